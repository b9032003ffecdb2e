"""One object of the grid, cropped, chosen by a property learned from the examples (ARC crop tasks).

The grid is cut into objects one of five ways (single- or multi-colour, 4- or 8-connected, or all cells of
one colour); each object is described by small-integer properties (size, box, colours, holes, position,
how many objects share its shape or colour...).  A rule picks the object whose property is the largest,
the smallest, or the one value no other object has, and crops it: its own cells, or the whole grid under
its bounding box.  Tied objects must crop alike, or the rule fails.  `fit` keeps the first rule that picks, in every
train pair, an object whose crop is that pair's output; `(pick_object x rule)` is a pure printable term.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import enclosed, objects
from hypsearch.domains.grid.values import Grid, Obj

CUTS = ("objects4", "objects8", "mc_objects4", "mc_objects8", "colours", "objects8_bg", "mc_objects8_bg")
"""How the grid is cut into objects (`colours`: all cells of one colour are one object; `_bg`: on the grid's
most common colour as background, when that is not 0, with that colour around an object's own cells)."""
CROPS = ("own", "under")
"""What is cropped: the object's own cells (0 elsewhere in its box), or the grid under its box."""
PICKS = ("max", "min", "unique")
PROPERTIES = ("size", "area", "height", "width", "colours", "mirror_lr", "mirror_ud", "holes", "density", "minor_cells",
              "shape_count", "colour_count", "touches_border", "under_cells", "under_colours", "top", "left",
              "bottom", "right")
"""Object properties, by index, in the order `fit` tries them: the object's own extent, colours and shape,
then how it relates to the others, then where it lies; `under_*` count what lies in the object's box (other
colours included)."""


def _holes(box: np.ndarray) -> int:
    """Cells inside the object's bounding box, not on it, that no 4-path of such cells joins to the outside."""
    return int(np.count_nonzero(enclosed(box)))


def _colour_objects(g: Grid) -> tuple[Obj, ...]:
    a = g.a
    objs = []
    for c in np.unique(a[a != 0]).tolist():
        ys, xs = np.nonzero(a == c)
        y0, x0 = int(ys.min()), int(xs.min())
        m = (a[y0:ys.max() + 1, x0:xs.max() + 1] == c).astype(np.uint8)
        objs.append(Obj(y0, x0, Grid.adopt(m * c), Grid.adopt(m), a.shape))
    return tuple(objs)


def _cut(g: Grid, cut: int) -> tuple[Obj, ...]:
    name = CUTS[cut]
    if name == "colours":
        return _colour_objects(g)
    if not name.endswith("_bg"):
        return objects(g, not name.startswith("mc_"), name.endswith("8"))
    a = g.a
    bg = int(np.bincount(a.ravel(), minlength=10).argmax())
    if bg == 0:
        return ()
    swap = np.array([bg if c == 0 else 0 if c == bg else c for c in range(10)], dtype=a.dtype)
    found = objects(Grid.adopt(swap[a]), not name.startswith("mc_"), True)
    return tuple(Obj(o.top, o.left, Grid.adopt(np.where(o.mask.a == 1, swap[o.cells.a], bg).astype(a.dtype)),
                     o.mask, o.grid_shape) for o in found)


def _under(g: Grid, o: Obj) -> np.ndarray:
    h, w = o.cells.shape
    return g.a[o.top:o.top + h, o.left:o.left + w]


@lru_cache(maxsize=512)
def _table(g: Grid, cut: int) -> tuple[tuple[Obj, ...], tuple[tuple[int, ...], ...]]:
    """The grid's objects under one cut, and one property row per object (in `PROPERTIES` order)."""
    objs = _cut(g, cut)
    h, w = g.shape
    shapes = Counter(o.mask.a.tobytes() + bytes(o.mask.shape) for o in objs)
    colours = Counter(o.color for o in objs)
    rows = []
    for o in objs:
        m = o.mask.a.astype(bool)
        oh, ow = m.shape
        size = int(m.sum())
        under = _under(g, o)
        vals = o.cells.a[m]
        counts = np.bincount(vals, minlength=10)
        rows.append((size, oh * ow, oh, ow, int(np.count_nonzero(counts)),
                     int((m == m[:, ::-1]).all()), int((m == m[::-1]).all()), _holes(m), 100 * size // (oh * ow),
                     int(counts[counts > 0].min()), shapes[o.mask.a.tobytes() + bytes(m.shape)], colours[o.color],
                     int(o.touches_border), int(np.count_nonzero(under)),
                     int(np.count_nonzero(np.bincount(under.ravel(), minlength=10)[1:])),
                     o.top, o.left, h - o.top - oh, w - o.left - ow))
    return objs, tuple(rows)


def _choose(values: Sequence[int], pick: int) -> tuple[int, ...]:
    """Indices of the values the pick names: those equal to the largest or smallest, or the one value no other
    object has (none when that is not exactly one, or there are only two objects)."""
    if not values:
        return ()
    if PICKS[pick] == "unique":
        counts = Counter(values)
        lone = tuple(i for i, v in enumerate(values) if counts[v] == 1)
        return lone if len(lone) == 1 and len(values) > 2 else ()
    best = max(values) if PICKS[pick] == "max" else min(values)
    return tuple(i for i, v in enumerate(values) if v == best)


def _crop(g: Grid, o: Obj, crop: int) -> Grid:
    return o.cells if CROPS[crop] == "own" else Grid.adopt(np.ascontiguousarray(_under(g, o)))


def _code(cut: int, crop: int, prop: int, pick: int) -> int:
    return ((prop * len(PICKS) + pick) * len(CROPS) + crop) * len(CUTS) + cut


def _decode(code: int) -> tuple[int, int, int, int]:
    if not 0 <= code < len(CUTS) * len(CROPS) * len(PICKS) * len(PROPERTIES):
        raise ValueError("no such object pick")
    rest, cut = divmod(code, len(CUTS))
    rest, crop = divmod(rest, len(CROPS))
    prop, pick = divmod(rest, len(PICKS))
    return cut, crop, prop, pick


def pick_object(g: Grid, rule: int) -> Grid:
    """Crop the object the rule picks (see the module doc); fails when there is none, or when objects tie and
    their crops differ."""
    cut, crop, prop, pick = _decode(rule)
    objs, rows = _table(g, cut)
    crops = {_crop(g, objs[i], crop) for i in _choose([r[prop] for r in rows], pick)}
    if len(crops) != 1:
        raise ValueError("no single object has that property")
    return crops.pop()


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> int | None:
    """The first rule (cuts, crops, properties, picks in their listed order) whose pick crops every state into
    its output; None when some output is no object's crop."""
    if any(s.shape == o.shape for s, o in zip(state, outs)):
        return None
    for cut in range(len(CUTS)):
        for crop in range(len(CROPS)):
            targets = []
            for s, o in zip(state, outs):
                try:
                    objs, rows = _table(s, cut)
                except ValueError:  # too many objects
                    break
                hits = {i for i, ob in enumerate(objs) if ob.cells.shape == o.shape and _crop(s, ob, crop) == o}
                if not hits:
                    break
                targets.append((rows, hits))
            else:
                for prop in range(len(PROPERTIES)):
                    for pick in range(len(PICKS)):
                        if all(hits.issuperset(_choose([r[prop] for r in rows], pick) or (-1,))
                               for rows, hits in targets):
                            return _code(cut, crop, prop, pick)
    return None
