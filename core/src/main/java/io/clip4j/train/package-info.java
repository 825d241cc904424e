/**
 * Contrastive training of ViT + text CLIP models in pure Java.
 *
 * <ul>
 * <li>{@link io.clip4j.train.TrainableClip}: parameters as float32 arrays under OpenAI's state-dict names
 *     ({@link io.clip4j.train.ParameterSet}), from a checkpoint (fine-tuning) or from scratch; forward and backward
 *     passes built from per-layer forward/backward pairs (LinearOp, LayerNormOp, AttentionOp, ActivationOp,
 *     ResidualBlock, VisionTower, TextTower, ContrastiveLoss) that own their activation buffers.</li>
 * <li>{@link io.clip4j.train.TrainKernels}: the dense products, a scalar reference and a Vector API version; every
 *     linear-layer gradient is one matrix product split by rows of its output (no write conflicts).</li>
 * <li>{@link io.clip4j.train.AdamW} (PyTorch's update order, open_clip's no-decay rule),
 *     {@link io.clip4j.train.LrSchedule} (open_clip's warmup + cosine/const), {@link io.clip4j.train.ClipTrainer}
 *     (one step: loss, update, logit-scale clamp, NaN guard, locked image tower).</li>
 * <li>{@link io.clip4j.train.TrainCheckpoint} (open_clip folder + optimizer state) and
 *     {@link io.clip4j.train.TrainingRun} (epochs over a {@link io.clip4j.data.CaptionSource}, resume, time budget,
 *     NaN stop, metrics.csv/curves.png via {@link io.clip4j.train.RunFiles}).</li>
 * <li>{@link io.clip4j.train.TrainingEvaluation}: retrieval R@k ({@link io.clip4j.train.RetrievalMetrics}) and
 *     zero-shot top-1 from the live parameters; {@link io.clip4j.train.ConfigFit}: config vs weights;
 *     {@link io.clip4j.train.TrainThroughput}: the training-speed benchmark.</li>
 * </ul>
 */
package io.clip4j.train;
