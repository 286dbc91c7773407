package dev.fathom.internal.inference;

import dev.fathom.Tensor;

/**
 * The outputs of one call and which version produced them.
 *
 * @param version the version that ran the call
 * @param firstId the prediction id of row 0
 * @param rows rows in the call
 * @param outputs outputs in signature order; for batches, the whole batch per output
 */
public record CallResult(LoadedVersion version, long firstId, int rows, Tensor[] outputs) {}
