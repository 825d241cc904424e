package io.clip4j.search;

/**
 * How well concurrent requests shared work at one stage of the service (the text encoder, the vector scan):
 * batches run and requests answered since start. requests / batches is the mean batch size; near 1 under load
 * means the stage runs once per request and gains nothing from batching.
 */
public record SharedBatches(long batches, long requests) {}
