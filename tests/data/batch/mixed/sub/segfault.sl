; behaviour: segfault
(set-logic SLIA)
