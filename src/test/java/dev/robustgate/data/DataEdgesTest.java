package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edges the larger tests do not reach: declaration checks, the bad-file list's limit, where the settings point. */
class DataEdgesTest {
    @TempDir
    Path tmp;

    private static DatasetDeclaration images(long[] shape) {
        return new DatasetDeclaration("i", "images", "p", null, shape, false, null, null, null, null, null, null, null, null);
    }

    @Test
    void declarationsAreCheckedWhereTheyAreMade() {
        assertThat(images(new long[]{1, 1, 1}).shape()).containsExactly(1, 1, 1);
        assertThat(images(new long[]{3, 2, 5}).shape()).containsExactly(3, 2, 5);
        assertThat(images(null).shape()).isNull();
        for (long[] bad : new long[][]{{1, 2}, {1, 2, 2, 2}, {2, 2, 2}, {0, 2, 2}, {1, 0, 2}, {1, 2, 0}}) {
            assertThatThrownBy(() -> images(bad)).as(java.util.Arrays.toString(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dataset 'i': images need \"shape\": [C, H, W] with C = 1 (grey) or 3 (RGB), got "
                            + java.util.Arrays.toString(bad));
        }
        // Other formats take any shape (checked against the data when loaded).
        assertThat(new DatasetDeclaration("n", "npz", "p", null, new long[]{7}, false, null, null, null, null, null, null, null, null)
                .shape()).containsExactly(7);
        assertThatThrownBy(() -> new DatasetDeclaration("n", "npy", "p", null, null, false, null, null, null, null, null, null, null, null))
                .hasMessageContaining("dataset 'n': npy needs \"labels\", the .npy file of labels");
        assertThatThrownBy(() -> new DatasetDeclaration("c", "csv", "p", null, null, false, null, null, null, null, null, " ", null, null))
                .hasMessageContaining("dataset 'c': csv needs \"label\", the label column");
        assertThatThrownBy(() -> new DatasetDeclaration("c", "csv", "p", null, null, false, null, null, null, null, null, null, null, null))
                .hasMessageContaining("csv needs \"label\"");
        assertThatThrownBy(() -> new DatasetDeclaration("x", "tiff", "p", null, null, false, null, null, null, null, null, null, null, null))
                .hasMessageContaining("format must be one of [images, npz, npy, csv], got tiff");
        assertThatThrownBy(() -> new DatasetDeclaration("x", "npz", " ", null, null, false, null, null, null, null, null, null, null, null))
                .hasMessageContaining("dataset 'x': no \"path\"");
        assertThatThrownBy(() -> new DatasetDeclaration("x", "npz", null, null, null, false, null, null, null, null, null, null, null, null))
                .hasMessageContaining("no \"path\"");
        java.util.List<String> classes = new java.util.ArrayList<>(java.util.List.of("a"));
        DatasetDeclaration d = new DatasetDeclaration("x", "npz", "p", null, null, false, classes, null, null, null, null, null,
                classes, null);
        classes.add("b");
        assertThat(d.classes()).containsExactly("a");
        assertThat(d.features()).containsExactly("a");
    }

    @Test
    void aBarePathsFormatComesFromItsName() {
        assertThat(DatasetDeclaration.ofPath("data/imgs", true).format()).isEqualTo("images");
        DatasetDeclaration npz = DatasetDeclaration.ofPath("data/T.NPZ", false);
        assertThat(npz.format()).isEqualTo("npz");
        assertThat(npz.path()).isEqualTo("data/T.NPZ");
        assertThat(npz.name()).isEqualTo("data/T.NPZ");
        assertThatThrownBy(() -> DatasetDeclaration.ofPath("data/t.csv", false))
                .hasMessageContaining("--data data/t.csv: a CSV needs a declaration naming its label column and feature ranges");
        assertThatThrownBy(() -> DatasetDeclaration.ofPath("data/t.npy", false))
                .hasMessageContaining("--data data/t.npy: give an image folder, a .npz file, or a dataset declaration (.json)");
    }

    @Test
    void theBadFileListShowsTwentyAndCountsTheRest() {
        BadFiles none = new BadFiles(tmp);
        assertThat(none.isEmpty()).isTrue();
        none.throwIfAny();

        BadFiles one = new BadFiles(tmp);
        one.add(tmp.resolve("a"), "broken");
        assertThat(one.isEmpty()).isFalse();
        assertThatThrownBy(one::throwIfAny).isInstanceOf(DataFormatException.class).hasMessage(tmp + ": " + tmp.resolve("a") + ": broken");

        BadFiles twenty = new BadFiles(tmp);
        for (int i = 0; i < 20; i++) twenty.add(tmp.resolve("f" + i), "bad");
        assertThatThrownBy(twenty::throwIfAny).hasMessageStartingWith(tmp + ": 20 bad files:")
                .hasMessageContaining("f19: bad").hasMessageNotContaining("more");

        BadFiles many = new BadFiles(tmp);
        for (int i = 0; i < 23; i++) many.add(tmp.resolve("f" + i), "bad");
        assertThatThrownBy(many::throwIfAny).hasMessageContaining("23 bad files:").hasMessageContaining("f19: bad")
                .hasMessageNotContaining("f20: bad").hasMessageEndingWith("\n  ... and 3 more");
    }

    @Test
    void settingsNameEveryPlaceLookedAt() {
        Path prop = tmp.resolve("prop"), env = tmp.resolve("env"), cache = tmp.resolve("cache");
        Map<String, String> props = Map.of(DatasetRegistry.DATA_DIR_PROPERTY, prop.toString(),
                DatasetRegistry.CACHE_DIR_PROPERTY, cache.toString(), DatasetRegistry.OFFLINE_PROPERTY, "true");
        assertThatThrownBy(() -> DatasetRegistry.fromSettings(props::get, Map.of(DatasetRegistry.DATA_DIR_ENV, env.toString())::get)
                .load("mnist-idx", Split.TEST))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(prop.resolve("mnist-idx") + " (-Drobustgate.data.dir): no such directory")
                .hasMessageContaining(env.resolve("mnist-idx") + " ($ROBUSTGATE_DATA_DIR): no such directory")
                .hasMessageContaining(cache.resolve("datasets").resolve("mnist-idx") + " (download cache): missing t10k-images-idx3-ubyte.gz "
                        + "(downloads disabled by -Drobustgate.offline or $ROBUSTGATE_OFFLINE)");
        // The same directory in both settings is searched once; blank settings are no directory; offline from the environment.
        Map<String, String> same = Map.of(DatasetRegistry.DATA_DIR_PROPERTY, prop.toString(), "user.home", tmp.resolve("home").toString());
        assertThatThrownBy(() -> DatasetRegistry.fromSettings(same::get,
                Map.of(DatasetRegistry.DATA_DIR_ENV, prop.toString(), DatasetRegistry.OFFLINE_ENV, "1")::get).load("mnist-idx", Split.TEST))
                .satisfies(e -> assertThat(e.getMessage().split(java.util.regex.Pattern.quote(prop.resolve("mnist-idx").toString()), -1)).hasSize(2))
                .hasMessageContaining(tmp.resolve("home").resolve(".cache/robustgate/datasets/mnist-idx") + " (download cache)")
                .hasMessageContaining("downloads disabled");
        Map<String, String> blank = Map.of(DatasetRegistry.DATA_DIR_PROPERTY, " ", DatasetRegistry.CACHE_DIR_PROPERTY, " ",
                "user.home", tmp.resolve("home2").toString(), DatasetRegistry.OFFLINE_PROPERTY, "yes");
        assertThatThrownBy(() -> DatasetRegistry.fromSettings(blank::get, Map.of(DatasetRegistry.DATA_DIR_ENV, " ")::get)
                .load("mnist-idx", Split.TEST))
                .hasMessageContaining("no data directory configured (-Drobustgate.data.dir / $ROBUSTGATE_DATA_DIR)")
                .hasMessageContaining(tmp.resolve("home2").resolve(".cache/robustgate/datasets/mnist-idx").toString());
    }
}
