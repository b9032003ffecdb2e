; behaviour: abort
(set-logic SLIA)
