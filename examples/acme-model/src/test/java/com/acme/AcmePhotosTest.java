package com.acme;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ACME's own unit test of its photos (not RobustGate's): 30 grey 28x28 PNGs in each class folder. */
class AcmePhotosTest {
    @Test
    void everyClassHasThirtyGreyPhotosOf28By28() throws IOException {
        for (String label : new String[]{"bag", "sneaker", "trouser"}) {
            File[] photos = new File("data/acme-test", label).listFiles((d, n) -> n.endsWith(".png"));
            assertEquals(30, photos == null ? 0 : photos.length, label);
            for (File f : photos) {
                BufferedImage img = ImageIO.read(f);
                assertEquals(28, img.getWidth(), f.getName());
                assertEquals(28, img.getHeight(), f.getName());
                assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType(), f.getName());
            }
        }
    }
}
