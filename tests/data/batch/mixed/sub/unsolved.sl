; behaviour: unsolved
(set-logic SLIA)
(check-synth)
