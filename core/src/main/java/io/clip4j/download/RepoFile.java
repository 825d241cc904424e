package io.clip4j.download;

/**
 * One file of a repository revision as the hub's model API lists it.
 *
 * @param name   path inside the repository ({@code rfilename})
 * @param size   size in bytes, or -1 when the listing did not say
 * @param sha256 lower-case hex SHA-256 for files stored in Git LFS, else null (the hub only knows it for LFS)
 * @param blobId lower-case hex git blob id (SHA-1 of {@code "blob <size>\0" + content}), or null;
 *               for LFS files it is the id of the pointer file, not of the content
 */
public record RepoFile(String name, long size, String sha256, String blobId) {
    public boolean isLfs() {
        return sha256 != null;
    }
}
