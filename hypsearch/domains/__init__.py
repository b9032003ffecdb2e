"""Built-in domains; each registers through the `hypsearch.domains` entry-point group."""
