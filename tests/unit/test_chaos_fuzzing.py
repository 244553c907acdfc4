"""The fault suite draws its hostile messages in a process of its own: Hypothesis seeds and
watches the global `random` while it draws, and a run's event loop uses that global state too
(the NATS client, the checks). Drawn beside the loop, each disturbed the other."""

from __future__ import annotations

import asyncio
import random
import warnings

from chaos.fuzzing import drawn_apart


async def test_drawing_leaves_the_loops_global_random_alone_and_warns_of_nothing() -> None:
    random.seed(11)
    expected = random.Random(11)
    drawing = True
    disturbed = draws = 0

    async def loop_draws() -> None:
        nonlocal disturbed, draws
        while drawing:
            draws += 1
            disturbed += random.random() != expected.random()
            await asyncio.sleep(0)

    task = asyncio.create_task(loop_draws())
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        drawn = await drawn_apart(12, 3)
    drawing = False
    await task
    assert draws > 0 and disturbed == 0
    assert [str(w.message) for w in warned] == []
    # The same seed draws the same messages in a process of its own every time. (Not
    # necessarily the messages drawn in this one: Hypothesis also draws constants from the
    # modules a process has loaded, and a test run has loaded far more than the drawing one.)
    assert drawn == await drawn_apart(12, 3)
    assert len(drawn) == 12 and all(isinstance(data, bytes) for _, data, _ in drawn)
    assert drawn != await drawn_apart(12, 4)
