;; The shifted sum of a causal dilated convolution and its gradient, float32 with WebAssembly SIMD
;; (f32x4), for the HeadstartShiftSum kernels (plugins/recommendation/layers/shift-sum.ts calls them).
;;
;; Source of core/wasm/shift-sum.generated.ts: after editing, run `npm run build:wasm-kernels`
;; (scripts/build-wasm-kernels.mjs assembles this file with the `wabt` package).
;;
;; Like batch-matmul.wat it imports the Emscripten module's memory and works on tfjs's own heap:
;; pointers are the byte offsets tfjs keeps for each tensor, sizes are in elements. The build script
;; assembles a second variant whose import line reads `(memory 1 65536 shared)`, for the threaded
;; build of tfjs-backend-wasm.
;;
;; Layouts: z and dz are [rows = B·T, width], row b·T + t; y and dy are [rows, units]; tap i of z is
;; the columns i·units … i·units + units − 1. Every loop handles units that are not a multiple of 4
;; with a scalar tail.
(module
  (import "env" "memory" (memory 1))

  ;; y[b, t, :] (op) z[b, t − shift, col …] for every b and t, where op is "=" when $first (rows with
  ;; t < shift get zeros) and "+=" otherwise (rows with t < shift are left as they are). One tap of
  ;; the shifted sum: the caller runs tap 0 with $first = 1, then the others in order, then add_bias.
  (func (export "shift_add")
    (param $z i32) (param $y i32) (param $B i32) (param $T i32) (param $width i32) (param $units i32)
    (param $col i32) (param $shift i32) (param $first i32)
    (local $b i32) (local $t i32) (local $u i32) (local $src i32) (local $dst i32) (local $u4 i32)
    (local.set $u4 (i32.and (local.get $units) (i32.const -4)))
    (local.set $b (i32.const 0))
    (block $done_b
      (loop $rows_b
        (br_if $done_b (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $t (i32.const 0))
        (block $done_t
          (loop $rows_t
            (br_if $done_t (i32.ge_u (local.get $t) (local.get $T)))
            ;; dst = y + ((b·T + t)·units)·4
            (local.set $dst (i32.add (local.get $y)
              (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $units)) (i32.const 2))))
            (if (i32.lt_u (local.get $t) (local.get $shift))
              (then
                (if (local.get $first)
                  (then
                    (local.set $u (i32.const 0))
                    (block $zd (loop $zl
                      (br_if $zd (i32.ge_u (local.get $u) (local.get $units)))
                      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2))) (f32.const 0))
                      (local.set $u (i32.add (local.get $u) (i32.const 1)))
                      (br $zl))))))
              (else
                ;; src = z + ((b·T + t − shift)·width + col)·4
                (local.set $src (i32.add (local.get $z)
                  (i32.shl (i32.add (i32.mul (i32.sub (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $shift)) (local.get $width)) (local.get $col)) (i32.const 2))))
                (local.set $u (i32.const 0))
                (if (local.get $first)
                  (then
                    (block $cd (loop $cl
                      (br_if $cd (i32.ge_u (local.get $u) (local.get $u4)))
                      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                        (v128.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2)))))
                      (local.set $u (i32.add (local.get $u) (i32.const 4)))
                      (br $cl)))
                    (block $ctd (loop $ctl
                      (br_if $ctd (i32.ge_u (local.get $u) (local.get $units)))
                      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                        (f32.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2)))))
                      (local.set $u (i32.add (local.get $u) (i32.const 1)))
                      (br $ctl))))
                  (else
                    (block $ad (loop $al
                      (br_if $ad (i32.ge_u (local.get $u) (local.get $u4)))
                      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                        (f32x4.add
                          (v128.load (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2))))
                          (v128.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2))))))
                      (local.set $u (i32.add (local.get $u) (i32.const 4)))
                      (br $al)))
                    (block $atd (loop $atl
                      (br_if $atd (i32.ge_u (local.get $u) (local.get $units)))
                      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                        (f32.add
                          (f32.load (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2))))
                          (f32.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2))))))
                      (local.set $u (i32.add (local.get $u) (i32.const 1)))
                      (br $atl)))))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $rows_t)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows_b))))

  ;; y[r, :] += bias for rows r < $rows.
  (func (export "add_bias")
    (param $y i32) (param $bias i32) (param $rows i32) (param $units i32)
    (local $r i32) (local $u i32) (local $p i32) (local $u4 i32)
    (local.set $u4 (i32.and (local.get $units) (i32.const -4)))
    (local.set $p (local.get $y))
    (local.set $r (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $u (i32.const 0))
        (block $vd (loop $vl
          (br_if $vd (i32.ge_u (local.get $u) (local.get $u4)))
          (v128.store (i32.add (local.get $p) (i32.shl (local.get $u) (i32.const 2)))
            (f32x4.add
              (v128.load (i32.add (local.get $p) (i32.shl (local.get $u) (i32.const 2))))
              (v128.load (i32.add (local.get $bias) (i32.shl (local.get $u) (i32.const 2))))))
          (local.set $u (i32.add (local.get $u) (i32.const 4)))
          (br $vl)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $u) (local.get $units)))
          (f32.store (i32.add (local.get $p) (i32.shl (local.get $u) (i32.const 2)))
            (f32.add
              (f32.load (i32.add (local.get $p) (i32.shl (local.get $u) (i32.const 2))))
              (f32.load (i32.add (local.get $bias) (i32.shl (local.get $u) (i32.const 2))))))
          (local.set $u (i32.add (local.get $u) (i32.const 1)))
          (br $sl)))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $units) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; dz[b, t, col …] = dy[b, t + shift, :] where t + shift < T, else zeros: one tap of the gradient.
  (func (export "shift_copy")
    (param $dy i32) (param $dz i32) (param $B i32) (param $T i32) (param $width i32) (param $units i32)
    (param $col i32) (param $shift i32)
    (local $b i32) (local $t i32) (local $u i32) (local $src i32) (local $dst i32) (local $u4 i32)
    (local.set $u4 (i32.and (local.get $units) (i32.const -4)))
    (local.set $b (i32.const 0))
    (block $done_b
      (loop $rows_b
        (br_if $done_b (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $t (i32.const 0))
        (block $done_t
          (loop $rows_t
            (br_if $done_t (i32.ge_u (local.get $t) (local.get $T)))
            (local.set $dst (i32.add (local.get $dz)
              (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $width)) (local.get $col)) (i32.const 2))))
            (local.set $u (i32.const 0))
            (if (i32.ge_u (i32.add (local.get $t) (local.get $shift)) (local.get $T))
              (then
                (block $zd (loop $zl
                  (br_if $zd (i32.ge_u (local.get $u) (local.get $units)))
                  (f32.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2))) (f32.const 0))
                  (local.set $u (i32.add (local.get $u) (i32.const 1)))
                  (br $zl))))
              (else
                (local.set $src (i32.add (local.get $dy)
                  (i32.shl (i32.mul (i32.add (i32.add (i32.mul (local.get $b) (local.get $T)) (local.get $t)) (local.get $shift)) (local.get $units)) (i32.const 2))))
                (block $cd (loop $cl
                  (br_if $cd (i32.ge_u (local.get $u) (local.get $u4)))
                  (v128.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                    (v128.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2)))))
                  (local.set $u (i32.add (local.get $u) (i32.const 4)))
                  (br $cl)))
                (block $ctd (loop $ctl
                  (br_if $ctd (i32.ge_u (local.get $u) (local.get $units)))
                  (f32.store (i32.add (local.get $dst) (i32.shl (local.get $u) (i32.const 2)))
                    (f32.load (i32.add (local.get $src) (i32.shl (local.get $u) (i32.const 2)))))
                  (local.set $u (i32.add (local.get $u) (i32.const 1)))
                  (br $ctl)))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $rows_t)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows_b)))))
