;; Batched float32 matrix product C[b] = A[b] · B[b] with WebAssembly SIMD (f32x4, no relaxed-simd),
;; for tfjs-backend-wasm's BatchMatMul on small matrices (core/wasm-batch-matmul.ts calls it).
;;
;; Source of core/wasm/batch-matmul.generated.ts: after editing, run `npm run build:wasm-kernels`
;; (scripts/build-wasm-kernels.mjs assembles this file with the `wabt` package).
;;
;; The module works in place on tfjs's own heap: it imports the Emscripten module's memory, so
;; inputs and output are addressed by the byte offsets tfjs keeps for each tensor and nothing is
;; copied. The build script assembles a second variant whose import line reads
;; `(memory 1 65536 shared)`, for the threaded build of tfjs-backend-wasm, whose memory is shared.
(module
  (import "env" "memory" (memory 1))

  ;; C is [batch, m, n], row-major and dense. A[b][i][kk] lives at element
  ;; a + b*sab + i*sam + kk*sak and B[b][kk][j] at b + b*sbb + kk*sbk + j*sbn, so transposed operands
  ;; and broadcast batches (stride 0) need no copy. Pointers are byte offsets, strides in elements.
  ;; Requires m >= 4, n >= 8, k >= 1. When sbn != 1 (B transposed) each batch's B is first copied
  ;; into `scratch` (k*n floats) as [k, n] rows, so the inner loop reads 8 contiguous columns.
  ;;
  ;; Register tile: 4 rows x 8 columns of C (8 f32x4 accumulators). The last tile of a row or
  ;; column is shifted back to end at the matrix edge (overlapping the previous one, which it
  ;; recomputes to the same values), so no size needs to be a multiple of 4 or 8 and nothing is
  ;; read or written outside the operands. Each C value is summed over kk in order, from 0.
  (func (export "bmm")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32)
    (param $m i32) (param $n i32) (param $k i32)
    (param $sab i32) (param $sam i32) (param $sak i32)
    (param $sbb i32) (param $sbk i32) (param $sbn i32)
    (param $scratch i32) (param $bias i32)
    (local $bi i32) (local $ap i32) (local $bp i32) (local $cp i32)
    (local $ldb i32) (local $ldc i32) (local $i0 i32) (local $j0 i32) (local $i i32) (local $j i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $kk i32) (local $t i32)
    (local $sam2 i32) (local $sam3 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)

    ;; Strides to bytes.
    (local.set $sab (i32.shl (local.get $sab) (i32.const 2)))
    (local.set $sam (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $sbb (i32.shl (local.get $sbb) (i32.const 2)))
    (local.set $sbk (i32.shl (local.get $sbk) (i32.const 2)))
    (local.set $sbn (i32.shl (local.get $sbn) (i32.const 2)))
    (local.set $sam2 (i32.shl (local.get $sam) (i32.const 1)))
    (local.set $sam3 (i32.add (local.get $sam2) (local.get $sam)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))

    (local.set $ap (local.get $a))
    (local.set $bp (local.get $b))
    (local.set $cp (local.get $c))
    (local.set $bi (i32.const 0))
    (loop $batches
      ;; B of this batch as rows of contiguous columns: in place, or copied into scratch.
      (if (i32.eq (local.get $sbn) (i32.const 4))
        (then
          (local.set $pb (local.get $bp))
          (local.set $ldb (local.get $sbk)))
        (else
          ;; scratch[kk][j] = B[kk][j]; walks B in its memory order (j outer, kk inner).
          (local.set $j (i32.const 0))
          (loop $pack_j
            (local.set $pa (i32.add (local.get $bp) (i32.mul (local.get $j) (local.get $sbn))))
            (local.set $pc (i32.add (local.get $scratch) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $kk (local.get $k))
            (loop $pack_k
              (f32.store (local.get $pc) (f32.load (local.get $pa)))
              (local.set $pa (i32.add (local.get $pa) (local.get $sbk)))
              (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
              (br_if $pack_k (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
            (br_if $pack_j (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
          (local.set $pb (local.get $scratch))
          (local.set $ldb (local.get $ldc))))
      (local.set $bp (local.get $pb))

      (local.set $i0 (i32.const 0))
      (loop $rows
        ;; i = min(i0, m - 4)
        (local.set $t (i32.sub (local.get $m) (i32.const 4)))
        (local.set $i (select (local.get $i0) (local.get $t) (i32.lt_u (local.get $i0) (local.get $t))))
        (local.set $j0 (i32.const 0))
        (loop $cols
          ;; j = min(j0, n - 8)
          (local.set $t (i32.sub (local.get $n) (i32.const 8)))
          (local.set $j (select (local.get $j0) (local.get $t) (i32.lt_u (local.get $j0) (local.get $t))))
          (local.set $c00 (v128.const i32x4 0 0 0 0))
          (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0))
          (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0))
          (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0))
          (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $pa (i32.add (local.get $ap) (i32.mul (local.get $i) (local.get $sam))))
          (local.set $pb (i32.add (local.get $bp) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $kk (local.get $k))
          (loop $inner
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $x (v128.load32_splat (local.get $pa)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br_if $inner (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
          ;; + bias[j..j+8] (bias != 0): the separate Add's float32 sums, after the product's.
          (if (local.get $bias)
            (then
              (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $c00 (f32x4.add (local.get $c00) (local.get $b0)))
              (local.set $c01 (f32x4.add (local.get $c01) (local.get $b1)))
              (local.set $c10 (f32x4.add (local.get $c10) (local.get $b0)))
              (local.set $c11 (f32x4.add (local.get $c11) (local.get $b1)))
              (local.set $c20 (f32x4.add (local.get $c20) (local.get $b0)))
              (local.set $c21 (f32x4.add (local.get $c21) (local.get $b1)))
              (local.set $c30 (f32x4.add (local.get $c30) (local.get $b0)))
              (local.set $c31 (f32x4.add (local.get $c31) (local.get $b1)))))
          (local.set $pc (i32.add (local.get $cp) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
          (v128.store (local.get $pc) (local.get $c00))
          (v128.store offset=16 (local.get $pc) (local.get $c01))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c10))
          (v128.store offset=16 (local.get $pc) (local.get $c11))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c20))
          (v128.store offset=16 (local.get $pc) (local.get $c21))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c30))
          (v128.store offset=16 (local.get $pc) (local.get $c31))
          (br_if $cols (i32.lt_u (local.tee $j0 (i32.add (local.get $j0) (i32.const 8))) (local.get $n))))
        (br_if $rows (i32.lt_u (local.tee $i0 (i32.add (local.get $i0) (i32.const 4))) (local.get $m))))

      (local.set $ap (i32.add (local.get $ap) (local.get $sab)))
      (local.set $bp (i32.add (local.get $b) (i32.mul (local.tee $bi (i32.add (local.get $bi) (i32.const 1))) (local.get $sbb))))
      (local.set $cp (i32.add (local.get $cp) (i32.mul (local.get $m) (local.get $ldc))))
      (br_if $batches (i32.lt_u (local.get $bi) (local.get $batch)))))

  ;; Single product C = A · B (C [m, n] row-major) for a wide B, in column panels: B[:, j..j+8] for
  ;; `group` consecutive panels of 8 columns is first copied into `scratch` (group*k*8 floats, each
  ;; panel [k][8]), then every 4-row tile of A runs against those panels, writing 4 rows of
  ;; group*8 contiguous columns of C. A (m*k) and the panels stay in cache, where `bmm` streams all of
  ;; B once per 4 rows of A. Same strides and edge handling as `bmm` (batch 1), and the same per-output
  ;; sum over kk in order from 0 with separate multiply and add, so the same bits.
  (func (export "bmm_panels")
    (param $a i32) (param $b i32) (param $c i32)
    (param $m i32) (param $n i32) (param $k i32)
    (param $sam i32) (param $sak i32) (param $sbk i32) (param $sbn i32)
    (param $scratch i32) (param $group i32) (param $bias i32)
    (local $ldc i32) (local $i0 i32) (local $g0 i32) (local $i i32) (local $j i32) (local $jj i32)
    (local $p i32) (local $np i32) (local $ps i32) (local $pbytes i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $kk i32) (local $t i32)
    (local $sam2 i32) (local $sam3 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $sam (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $sbk (i32.shl (local.get $sbk) (i32.const 2)))
    (local.set $sbn (i32.shl (local.get $sbn) (i32.const 2)))
    (local.set $sam2 (i32.shl (local.get $sam) (i32.const 1)))
    (local.set $sam3 (i32.add (local.get $sam2) (local.get $sam)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $pbytes (i32.shl (local.get $k) (i32.const 5)))
    (local.set $g0 (i32.const 0))
    (loop $groups
      ;; Pack panels p = 0 .. np-1 of this group: columns j = min(g0 + 8p, n - 8).
      (local.set $np (i32.const 0))
      (loop $pack_panels
        (local.set $t (i32.sub (local.get $n) (i32.const 8)))
        (local.set $j (i32.add (local.get $g0) (i32.shl (local.get $np) (i32.const 3))))
        (local.set $j (select (local.get $j) (local.get $t) (i32.lt_u (local.get $j) (local.get $t))))
        (local.set $ps (i32.add (local.get $scratch) (i32.mul (local.get $np) (local.get $pbytes))))
        (if (i32.eq (local.get $sbn) (i32.const 4))
          (then
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $pc (local.get $ps))
            (local.set $kk (local.get $k))
            (loop $pack_rows
              (v128.store (local.get $pc) (v128.load (local.get $pb)))
              (v128.store offset=16 (local.get $pc) (v128.load offset=16 (local.get $pb)))
              (local.set $pb (i32.add (local.get $pb) (local.get $sbk)))
              (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
              (br_if $pack_rows (local.tee $kk (i32.sub (local.get $kk) (i32.const 1))))))
          (else
            ;; Column by column, each walking B in its memory order when B is transposed (sbk = 1).
            (local.set $jj (i32.const 0))
            (loop $pack_cols
              (local.set $pb (i32.add (local.get $b) (i32.mul (i32.add (local.get $j) (local.get $jj)) (local.get $sbn))))
              (local.set $pc (i32.add (local.get $ps) (i32.shl (local.get $jj) (i32.const 2))))
              (local.set $kk (local.get $k))
              (loop $pack_k
                (f32.store (local.get $pc) (f32.load (local.get $pb)))
                (local.set $pb (i32.add (local.get $pb) (local.get $sbk)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
                (br_if $pack_k (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
              (br_if $pack_cols (i32.lt_u (local.tee $jj (i32.add (local.get $jj) (i32.const 1))) (i32.const 8))))))
        (local.set $np (i32.add (local.get $np) (i32.const 1)))
        (br_if $pack_panels (i32.and
          (i32.lt_u (local.get $np) (local.get $group))
          (i32.lt_u (i32.add (local.get $g0) (i32.shl (local.get $np) (i32.const 3))) (local.get $n)))))
      (local.set $i0 (i32.const 0))
      (loop $rows
        ;; i = min(i0, m - 4)
        (local.set $t (i32.sub (local.get $m) (i32.const 4)))
        (local.set $i (select (local.get $i0) (local.get $t) (i32.lt_u (local.get $i0) (local.get $t))))
        (local.set $p (i32.const 0))
        (loop $tiles
          (local.set $t (i32.sub (local.get $n) (i32.const 8)))
          (local.set $j (i32.add (local.get $g0) (i32.shl (local.get $p) (i32.const 3))))
          (local.set $j (select (local.get $j) (local.get $t) (i32.lt_u (local.get $j) (local.get $t))))
          (local.set $c00 (v128.const i32x4 0 0 0 0))
          (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0))
          (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0))
          (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0))
          (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sam))))
          (local.set $pb (i32.add (local.get $scratch) (i32.mul (local.get $p) (local.get $pbytes))))
          (local.set $kk (local.get $k))
          (loop $inner
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $x (v128.load32_splat (local.get $pa)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $pa) (local.get $sam3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br_if $inner (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
          ;; + bias[j..j+8] (bias != 0): the separate Add's float32 sums, after the product's.
          (if (local.get $bias)
            (then
              (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $c00 (f32x4.add (local.get $c00) (local.get $b0)))
              (local.set $c01 (f32x4.add (local.get $c01) (local.get $b1)))
              (local.set $c10 (f32x4.add (local.get $c10) (local.get $b0)))
              (local.set $c11 (f32x4.add (local.get $c11) (local.get $b1)))
              (local.set $c20 (f32x4.add (local.get $c20) (local.get $b0)))
              (local.set $c21 (f32x4.add (local.get $c21) (local.get $b1)))
              (local.set $c30 (f32x4.add (local.get $c30) (local.get $b0)))
              (local.set $c31 (f32x4.add (local.get $c31) (local.get $b1)))))
          (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
          (v128.store (local.get $pc) (local.get $c00))
          (v128.store offset=16 (local.get $pc) (local.get $c01))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c10))
          (v128.store offset=16 (local.get $pc) (local.get $c11))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c20))
          (v128.store offset=16 (local.get $pc) (local.get $c21))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c30))
          (v128.store offset=16 (local.get $pc) (local.get $c31))
          (br_if $tiles (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $np))))
        (br_if $rows (i32.lt_u (local.tee $i0 (i32.add (local.get $i0) (i32.const 4))) (local.get $m))))
      (br_if $groups (i32.lt_u (local.tee $g0 (i32.add (local.get $g0) (i32.shl (local.get $group) (i32.const 3)))) (local.get $n)))))
)
