;; One Adam update over float32 vectors with WebAssembly SIMD (f32x4), for core/wasm-adam.ts.
;;
;; Source of core/wasm/adam.generated.ts: after editing, run `npm run build:wasm-kernels`
;; (scripts/build-wasm-kernels.mjs assembles this file with the `wabt` package).
;;
;; Like batch-matmul.wat it imports the Emscripten module's memory and works on tfjs's own heap
;; (byte offsets tfjs keeps per tensor); the build script assembles a second variant whose import
;; line reads `(memory 1 65536 shared)`, for the threaded build of tfjs-backend-wasm.
;;
;; Per element, the expressions of tfjs's AdamOptimizer.applyGradients, each a float32 operation
;; rounded as tfjs rounds it (no fused multiply-add; f32x4.sqrt and f32x4.div are exact):
;;   m' = m·b1 + g·c1                 (c1 = 1 − beta1, rounded to float32 as tfjs's scalar is)
;;   v' = v·b2 + (g·g)·c2
;;   x' = ((m' / s1) / (sqrt(v' / s2) + eps))·nlr + x     (s = 1 − accumulated beta power, nlr = −lr)
;; Inputs and outputs may not overlap (tfjs's outputs are fresh tensors).
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $m i32) (param $v i32) (param $g i32) (param $x i32)
    (param $mo i32) (param $vo i32) (param $xo i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $s1 f32) (param $s2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $o i32) (local $n4 i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $S1 v128) (local $S2 v128) (local $E v128) (local $L v128)
    (local $gv v128) (local $mn v128) (local $vn v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $S1 (f32x4.splat (local.get $s1)))
    (local.set $S2 (f32x4.splat (local.get $s2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $L (f32x4.splat (local.get $nlr)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $vd
      (loop $vl
        (br_if $vd (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $mn (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
          (f32x4.mul (local.get $gv) (local.get $C1))))
        (local.set $vn (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
        (v128.store (i32.add (local.get $mo) (local.get $o)) (local.get $mn))
        (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $vn))
        (v128.store (i32.add (local.get $xo) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mn) (local.get $S1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vn) (local.get $S2))) (local.get $E)))
              (local.get $L))
            (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vl)))
    (block $sd
      (loop $sl
        (br_if $sd (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mo) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $xo) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $s1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $s2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sl)))))
