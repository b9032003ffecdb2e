; behaviour: hang
(set-logic SLIA)
