"""The lark grammars, shipped as package data (`hypsearch.grammars`)."""
