;; Layer normalisation over the last axis with WebAssembly SIMD, for the HeadstartLayerNorm kernel
;; (core/wasm-layer-norm.ts, used by core/nn/layer-norm.ts outside gradient recording).
;;
;; Source of core/wasm/layer-norm.generated.ts: after editing, run `npm run build:wasm-kernels`.
;;
;; The same float32 operations, in the same order, as LayerNorm's tf ops on tfjs-backend-wasm:
;; mean = (Σ x in order from 0) / d; var = (Σ (x − mean)² in order) / d; r = 1 / sqrt(var + eps);
;; y = ((x − mean) · r) · gamma + beta. The sums are sequential per row, so four rows run side by side
;; (four independent chains) instead of one row's dependent adds.
(module
  (import "env" "memory" (memory 1))

  ;; y[row] = ((x[row] − mean) · r) · gamma + beta over d elements.
  (func $norm_row (param $x i32) (param $y i32) (param $d i32) (param $mean f32) (param $r f32) (param $g i32) (param $bt i32)
    (local $i i32) (local $vm v128) (local $vr v128) (local $o i32)
    (local.set $vm (f32x4.splat (local.get $mean)))
    (local.set $vr (f32x4.splat (local.get $r)))
    (local.set $i (i32.const 0))
    (block $done4
      (loop $vec
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $d)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (local.get $vm)) (local.get $vr))
              (v128.load (i32.add (local.get $g) (local.get $o))))
            (v128.load (i32.add (local.get $bt) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $d)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $y) (local.get $o))
          (f32.add
            (f32.mul
              (f32.mul (f32.sub (f32.load (i32.add (local.get $x) (local.get $o))) (local.get $mean)) (local.get $r))
              (f32.load (i32.add (local.get $g) (local.get $o))))
            (f32.load (i32.add (local.get $bt) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; x, y [rows, d] (rows >= 4, d >= 1), gamma and beta [d]; byte offsets.
  (func (export "layer_norm") (param $x i32) (param $y i32) (param $rows i32) (param $d i32) (param $g i32) (param $bt i32) (param $eps f32)
    (local $r0 i32) (local $r i32) (local $rs i32) (local $p i32) (local $e i32) (local $df f32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local $m0 f32) (local $m1 f32) (local $m2 f32) (local $m3 f32)
    (local $t f32)
    (local.set $rs (i32.shl (local.get $d) (i32.const 2)))
    (local.set $df (f32.convert_i32_u (local.get $d)))
    (local.set $r0 (i32.const 0))
    (loop $rows
      ;; r = min(r0, rows - 4): the last four rows end at the edge (recomputed rows get the same values).
      (local.set $r (select (local.get $r0) (i32.sub (local.get $rows) (i32.const 4))
        (i32.lt_u (local.get $r0) (i32.sub (local.get $rows) (i32.const 4)))))
      (local.set $p (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $e (i32.add (local.get $p) (local.get $rs)))
      (local.set $s0 (f32.const 0)) (local.set $s1 (f32.const 0)) (local.set $s2 (f32.const 0)) (local.set $s3 (f32.const 0))
      (loop $sum
        (local.set $s0 (f32.add (local.get $s0) (f32.load (local.get $p))))
        (local.set $s1 (f32.add (local.get $s1) (f32.load (i32.add (local.get $p) (local.get $rs)))))
        (local.set $s2 (f32.add (local.get $s2) (f32.load (i32.add (local.get $p) (i32.shl (local.get $rs) (i32.const 1))))))
        (local.set $s3 (f32.add (local.get $s3) (f32.load (i32.add (local.get $p) (i32.mul (local.get $rs) (i32.const 3))))))
        (br_if $sum (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $e))))
      (local.set $m0 (f32.div (local.get $s0) (local.get $df)))
      (local.set $m1 (f32.div (local.get $s1) (local.get $df)))
      (local.set $m2 (f32.div (local.get $s2) (local.get $df)))
      (local.set $m3 (f32.div (local.get $s3) (local.get $df)))
      (local.set $p (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $s0 (f32.const 0)) (local.set $s1 (f32.const 0)) (local.set $s2 (f32.const 0)) (local.set $s3 (f32.const 0))
      (loop $var
        (local.set $t (f32.sub (f32.load (local.get $p)) (local.get $m0)))
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (local.get $t) (local.get $t))))
        (local.set $t (f32.sub (f32.load (i32.add (local.get $p) (local.get $rs))) (local.get $m1)))
        (local.set $s1 (f32.add (local.get $s1) (f32.mul (local.get $t) (local.get $t))))
        (local.set $t (f32.sub (f32.load (i32.add (local.get $p) (i32.shl (local.get $rs) (i32.const 1)))) (local.get $m2)))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.get $t) (local.get $t))))
        (local.set $t (f32.sub (f32.load (i32.add (local.get $p) (i32.mul (local.get $rs) (i32.const 3)))) (local.get $m3)))
        (local.set $s3 (f32.add (local.get $s3) (f32.mul (local.get $t) (local.get $t))))
        (br_if $var (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $e))))
      (local.set $p (i32.mul (local.get $r) (local.get $rs)))
      (call $norm_row (i32.add (local.get $x) (local.get $p)) (i32.add (local.get $y) (local.get $p)) (local.get $d) (local.get $m0)
        (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (local.get $s0) (local.get $df)) (local.get $eps)))) (local.get $g) (local.get $bt))
      (local.set $p (i32.add (local.get $p) (local.get $rs)))
      (call $norm_row (i32.add (local.get $x) (local.get $p)) (i32.add (local.get $y) (local.get $p)) (local.get $d) (local.get $m1)
        (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (local.get $s1) (local.get $df)) (local.get $eps)))) (local.get $g) (local.get $bt))
      (local.set $p (i32.add (local.get $p) (local.get $rs)))
      (call $norm_row (i32.add (local.get $x) (local.get $p)) (i32.add (local.get $y) (local.get $p)) (local.get $d) (local.get $m2)
        (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (local.get $s2) (local.get $df)) (local.get $eps)))) (local.get $g) (local.get $bt))
      (local.set $p (i32.add (local.get $p) (local.get $rs)))
      (call $norm_row (i32.add (local.get $x) (local.get $p)) (i32.add (local.get $y) (local.get $p)) (local.get $d) (local.get $m3)
        (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (local.get $s3) (local.get $df)) (local.get $eps)))) (local.get $g) (local.get $bt))
      (br_if $rows (i32.lt_u (local.tee $r0 (i32.add (local.get $r0) (i32.const 4))) (local.get $rows))))))
