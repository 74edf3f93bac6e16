// NetworkCore: the shared neural-network core of ModeLattice (see Package.swift for the layering).
//
// Map of the module (one concept per file):
//   Tensor            value-type Float tensor; the shape legend (N, C, H, W, D, K, P)
//   BLAS, Workers     sgemm on OpenBLAS with thread-count-independent blocking; per-image workers
//   Layer             the layer protocol: forward and backward side by side, parameters as slices of θ
//   Linear, Conv2d, MaxPool2d, AvgPool2d, BatchNorm2d, Activation (ReLU/Tanh/GELU), Flatten
//   Sequential        the model: layers + flat θ [P] + flat buffers; Workspace holds activations
//   Sequential+Passes forward / backward over a batch (∂L/∂x and ∂L/∂θ)
//   Sequential+Batched whole-array helpers: outputs, per-example CE + input gradients, evaluate,
//                     mean-CE parameter gradient
//   Loss              softmax cross-entropy (stable log-sum-exp), MSE
//   Optimizer         SGD (momentum, Nesterov), Adam, AdamW — PyTorch update rules
//   Initialization    PyTorch default, He normal, Glorot uniform, Gaussian σ_w²/fan_in, σ_b²
//   ArchitectureSpec  `mlp:784-256-256-10[:tanh]`, `cnn:1x28x28:c32k5p2-r-m2-f-l10` grammar
//   SafeTensors, ModelFile  safetensors with PyTorch state_dict names; the spec in __metadata__
//   Dataset, IDX, GaussianMixture  Fashion-MNIST / MNIST-format IDX, synthetic mixtures, subsets
//   Training          mini-batch training loop with per-epoch records and NaN detection
