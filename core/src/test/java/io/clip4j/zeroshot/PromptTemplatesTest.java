package io.clip4j.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTemplatesTest {
    @Test
    void builtInSetsHaveThePapersCounts() {
        List<String> imagenet = PromptTemplates.resolve("imagenet");
        assertEquals(80, imagenet.size());
        assertEquals(80, new HashSet<>(imagenet).size(), "no duplicates");
        assertEquals("a bad photo of a {}.", imagenet.get(0));
        assertEquals("a tattoo of the {}.", imagenet.get(79));
        assertEquals(18, PromptTemplates.resolve("CIFAR").size());
        assertEquals(List.of("a photo of a {}."), PromptTemplates.resolve("simple"));
    }

    @Test
    void literalFileAndErrors(@TempDir Path dir) throws Exception {
        assertEquals(List.of("an icon of {}"), PromptTemplates.resolve("an icon of {}"));
        Path f = Files.writeString(dir.resolve("t.txt"), "# mine\nx {} y\n\nz {}\n");
        assertEquals(List.of("x {} y", "z {}"), PromptTemplates.resolve(f.toString()));
        Path bad = Files.writeString(dir.resolve("bad.txt"), "no placeholder\n");
        assertTrue(assertThrows(Clip4jException.class, () -> PromptTemplates.resolve(bad.toString()))
                .getMessage()
                .contains("line 1"));
        assertThrows(Clip4jException.class, () -> PromptTemplates.resolve("nonsense"));
        assertEquals("a photo of a dog.", PromptTemplates.fill("a photo of a {}.", "dog"));
    }
}
