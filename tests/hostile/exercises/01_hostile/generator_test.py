"""Test functions whose bodies never run: a generator (a stray `yield`) and a coroutine
(`async def`). Calling them only creates the generator/coroutine object."""


def test_generator():
    assert 1 == 2, "never checked"
    yield


async def test_coroutine():
    assert 1 == 2, "never checked"
