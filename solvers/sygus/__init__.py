"""SyGuS front-end: SyGuS-IF v1/v2 files in, Tasks out; define-fun answers out."""
