"""Connected-component labelling of grids: the one routine objects, primitives and local rules share.

Its own module so that `primitives` (objects), `local_rules` and `cell_rules` all import it from
below instead of from each other.
"""

from __future__ import annotations

import numpy as np


def label(a: np.ndarray, mask: np.ndarray, by_color: bool, diag: bool) -> np.ndarray:
    """Connected-component labels (0 outside mask) by min-label propagation with pointer jumping."""
    h, w = a.shape
    big = h * w + 1
    lab = np.where(mask, np.arange(1, h * w + 1).reshape(h, w), big)
    shifts = [(0, 1), (0, -1), (1, 0), (-1, 0)]
    if diag:
        shifts += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    pad_col = np.pad(a.astype(np.int16), 1, constant_values=-1)
    pad_mask = np.pad(mask, 1, constant_values=False)
    same = []
    for dy, dx in shifts:
        nb_mask = pad_mask[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
        ok = mask & nb_mask
        if by_color:
            ok &= pad_col[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] == a
        same.append(ok)
    while True:
        padded = np.pad(lab, 1, constant_values=big)
        new = lab.copy()
        for (dy, dx), ok in zip(shifts, same):
            nb = padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
            np.minimum(new, np.where(ok, nb, big), out=new)
        flat = new.ravel()
        inside = flat < big
        flat[inside] = flat[flat[inside] - 1]  # pointer jumping
        new = flat.reshape(h, w)
        if np.array_equal(new, lab):
            break
        lab = new
    return np.where(mask, lab, 0)
