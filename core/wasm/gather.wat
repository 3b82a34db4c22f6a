;; Gather along one axis (tfjs GatherV2 with batchDims 0) as row copies, for core/wasm-gather.ts.
;;
;; Source of core/wasm/gather.generated.ts: after editing, run `npm run build:wasm-kernels`
;; (scripts/build-wasm-kernels.mjs assembles this file with the `wabt` package).
;;
;; Like batch-matmul.wat it imports the Emscripten module's memory and works on tfjs's own heap
;; (byte offsets tfjs keeps per tensor); the build script assembles a second variant whose import
;; line reads `(memory 1 65536 shared)`, for the threaded build of tfjs-backend-wasm.
;;
;; x is [outer, dim, slice bytes], idx holds n int32 indices, all in [0, dim) (the caller checks);
;; out[o, j, :] = x[o, idx[j], :], written in order: out is [outer, n, slice bytes].
(module
  (import "env" "memory" (memory 1))
  (func (export "gather")
    (param $x i32) (param $idx i32) (param $out i32) (param $outer i32) (param $dim i32) (param $n i32) (param $slice i32)
    (local $o i32) (local $j i32) (local $base i32) (local $p i32)
    (local.set $p (local.get $out))
    (local.set $o (i32.const 0))
    (block $done_o
      (loop $outer_loop
        (br_if $done_o (i32.ge_u (local.get $o) (local.get $outer)))
        (local.set $base (i32.add (local.get $x) (i32.mul (i32.mul (local.get $o) (local.get $dim)) (local.get $slice))))
        (local.set $j (i32.const 0))
        (block $done_j
          (loop $idx_loop
            (br_if $done_j (i32.ge_u (local.get $j) (local.get $n)))
            (memory.copy
              (local.get $p)
              (i32.add (local.get $base) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2)))) (local.get $slice)))
              (local.get $slice))
            (local.set $p (i32.add (local.get $p) (local.get $slice)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $idx_loop)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $outer_loop)))))
