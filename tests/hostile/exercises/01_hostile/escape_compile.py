def test_x():
    x = "]0;pwned[2J" +
