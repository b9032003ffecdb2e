"""Front-ends per benchmark family (SyGuS, ARC, …): file formats in, Tasks out."""
