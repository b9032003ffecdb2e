; hypsearch test problem (SyGuS-IF v2): i counts up from 0 to n; invariant needed for i <= n at the end.
(set-logic LIA)
(synth-inv inv ((i Int) (n Int)))
(define-fun pre ((i Int) (n Int)) Bool (and (= i 0) (>= n 0)))
(define-fun trans ((i Int) (n Int) (i! Int) (n! Int)) Bool (and (< i n) (= i! (+ i 1)) (= n! n)))
(define-fun post ((i Int) (n Int)) Bool (=> (not (< i n)) (= i n)))
(inv-constraint inv pre trans post)
(check-synth)
