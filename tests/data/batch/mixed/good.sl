; behaviour: good
(set-logic SLIA)
(synth-fun f ((x String)) String)
(constraint (= (f "a") "a"))
(check-synth)
