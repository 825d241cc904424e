/**
 * Downloading CLIP models from the Hugging Face hub: {@link io.clip4j.download.HubDownloader}.
 *
 * <p>Only what clip4j reads is fetched ({@link io.clip4j.download.ClipFileSelection}); files land in a cache with
 * huggingface_hub's layout ({@link io.clip4j.download.HubCache}); transfers resume with HTTP Range requests and
 * every file is checked against the hub's stated size and hash (SHA-256 for LFS files, the git blob id for others)
 * before it gets its final name.
 */
package io.clip4j.download;
