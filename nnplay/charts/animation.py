"""Play controls for plotly animations: play at three speeds, and pause.

The animations play in the browser (plotly frames), so their speed is chosen
there too: one button per speed, with no round trip to the server. Pressing
another speed while one plays goes on from the current frame.
"""

from __future__ import annotations

#: Speed factors offered next to the normal Play button, slowest first.
SPEEDS = (0.25, 4.0)


def _factor_label(factor: float) -> str:
    return {0.25: "¼×", 0.5: "½×"}.get(factor, f"{factor:g}×")


def play_buttons(play: str, pause: str, frame_ms: int, *, redraw: bool = False) -> list[dict]:
    """``updatemenus`` buttons: play, a slower and a faster play, and pause.

    Parameters
    ----------
    play, pause : str
        Labels of the normal-speed play button and of pause (plain text or
        characters every font has: the buttons are SVG text, not icons).
    frame_ms : int
        Milliseconds per frame at normal speed.
    redraw : bool
        Whether each frame redraws the plot (needed for contours and heatmaps).

    Returns
    -------
    list of dict
        Play (normal), the :data:`SPEEDS` factors, then pause.
    """

    def animate(factor: float) -> dict:
        return dict(
            method="animate",
            args=[
                None,
                dict(
                    frame=dict(duration=max(1, round(frame_ms / factor)), redraw=redraw),
                    transition=dict(duration=0),
                    fromcurrent=True,
                    mode="immediate",
                ),
            ],
        )

    still = dict(frame=dict(duration=0, redraw=redraw), transition=dict(duration=0))
    buttons = [dict(label=play, **animate(1.0))]
    buttons += [dict(label=_factor_label(f), **animate(f)) for f in SPEEDS]
    buttons.append(
        dict(label=pause, method="animate", args=[[None], {**still, "mode": "immediate"}])
    )
    return buttons


def frame_duration(button: dict) -> int:
    """Milliseconds per frame of a play button made by :func:`play_buttons`."""
    return int(button["args"][1]["frame"]["duration"])
