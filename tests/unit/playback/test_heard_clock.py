"""The audio clock (studio/playback/heard_clock.py): what is heard, from what was taken and the latency."""

from __future__ import annotations

import pytest

from studio.playback.heard_clock import HeardClock

STEP = 0.012  # the sound server takes audio in 12 ms steps
LATENCY = 0.030  # and holds it this long before it is heard


def _taken(t: float) -> float:
    """Qt's staircase: everything up to the last step taken (the sound started at t = 0)."""
    return (int((t + LATENCY) / STEP)) * STEP


def test_with_the_sound_server_s_latency_the_clock_is_what_is_heard_not_what_was_taken() -> None:
    clock = HeardClock()
    clock.start_run()
    answers: list[tuple[float, float]] = []
    errors = []
    t = 0.0
    while t < 2.0:
        # The server's latency at t: from what it has taken, through its steps, to the sound.
        if int(t * 1000) % 40 == 7:
            answers.append((t, _taken(t) - t))
        heard = clock.read(t, _taken(t), moving=True, answers=answers)
        if t > 0.2:
            errors.append(heard - t)
        t += 0.001
    assert max(abs(e) for e in errors) < 0.002
    # Qt's measure alone would run LATENCY to LATENCY + STEP ahead of the sound.
    assert clock.downstream_s == pytest.approx(LATENCY, abs=STEP)


def test_an_answer_whose_time_falls_between_a_step_and_its_reading_is_left_out() -> None:
    clock = HeardClock()
    clock.downstream_s = 0.1  # before the answers: well behind, so the last reading decides
    clock.start_run()
    clock.read(1.000, 0.500, True, [])
    clock.read(1.010, 0.512, True, [])  # the step came somewhere in between
    clock.read(1.020, 0.512, True, [])
    # Paired with either side the 1.005 answer would be 12 ms off: only the 1.015 one counts.
    heard = clock.read(1.020, 0.512, True, [(1.005, 0.030), (1.015, 0.030)])
    assert heard == pytest.approx(0.512 - 0.030 + 0.005, abs=1e-6)


def test_without_an_answer_it_keeps_the_last_measured_delay_and_never_goes_back() -> None:
    clock = HeardClock()
    clock.downstream_s = 0.030
    clock.start_run()
    assert clock.read(0.0, 0.0, True, []) == 0.0
    assert clock.read(0.1, 0.100, True, []) == pytest.approx(0.070)
    assert clock.read(0.11, 0.100, True, []) == pytest.approx(0.080)  # between steps: with wall time
    assert clock.read(0.2, 0.100, False, []) == pytest.approx(0.080)  # starved: it stands, never back
