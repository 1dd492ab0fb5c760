using ParamLens.Inputs;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>
/// An HDF5 file cut short is refused, however much of its metadata happens to lie before the cut: the superblock's
/// end-of-file address is checked against the file's length before anything else is read.
/// </summary>
public sealed class TruncatedHdf5Tests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-truncated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(90)]
    [InlineData(99)]
    public void A_model_h5_cut_at_a_percentage_of_its_length_is_refused(int percent)
    {
        // 512 inputs: a 6 KiB kernel, so that every cut but the first falls among the weights' values, after all the metadata.
        var whole = TestModelFiles.LegacyH5(Path.Combine(_dir, "whole.h5"), inputs: 512);
        Assert.Equal(512 * 3 + 3, ModelSource.Open(whole).Stored!.TotalCount);
        var length = new FileInfo(whole).Length;
        var cut = TestModelFiles.Truncated(whole, length * percent / 100, Path.Combine(_dir, $"cut{percent}.h5"));
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(cut));
        Assert.Contains($"cut{percent}.h5", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void The_message_gives_both_lengths()
    {
        var whole = TestModelFiles.LegacyH5(Path.Combine(_dir, "whole.h5"));
        var length = new FileInfo(whole).Length;
        var cut = TestModelFiles.Truncated(whole, length - 1, Path.Combine(_dir, "cut.h5"));
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(cut));
        Assert.Contains($"says it is {length:N0} bytes long, but it has {length - 1:N0}", e.Message);
    }

    [Fact]
    public void A_weights_file_given_beside_a_config_is_checked_too()
    {
        var config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, TestModelFiles.DenseModelJson);
        var whole = TestModelFiles.LegacyH5(Path.Combine(_dir, "weights.h5"));
        var cut = TestModelFiles.Truncated(whole, new FileInfo(whole).Length * 9 / 10, Path.Combine(_dir, "cut-weights.h5"));
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(config, new ModelSource.Options { WeightsPath = cut }));
        Assert.Contains("cut-weights.h5", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_keras_archive_whose_weights_file_is_cut_is_refused()
    {
        // The zip itself is whole; the HDF5 file inside it was cut before it was stored.
        var whole = TestModelFiles.KerasArchive(Path.Combine(_dir, "whole.keras"));
        Assert.Equal(15, ModelSource.Open(whole).Stored!.TotalCount);
        var weights = Path.Combine(_dir, "model.weights.h5");
        new H5File { ["layers"] = new H5Group { ["dense"] = new H5Group { ["vars"] = new H5Group { ["0"] = new float[4, 3], ["1"] = new float[3] } } } }.Write(weights);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 8)]);
        var archive = Path.Combine(_dir, "cut.keras");
        using (var zip = System.IO.Compression.ZipFile.Open(archive, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var config = new StreamWriter(zip.CreateEntry("config.json").Open())) config.Write(TestModelFiles.Keras3SequentialJson);
            System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(zip, weights, "model.weights.h5");
        }
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(archive));
        Assert.Contains("model.weights.h5", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(20)]
    public void A_file_cut_inside_its_superblock_is_refused(int length)
    {
        var whole = TestModelFiles.LegacyH5(Path.Combine(_dir, "whole.h5"));
        var cut = TestModelFiles.Truncated(whole, length, Path.Combine(_dir, "superblock.h5"));
        Assert.Contains("truncated", Assert.Throws<ModelException>(() => ModelSource.Open(cut)).Message);
    }

    [Fact]
    public void A_dataset_declaring_more_values_than_the_file_holds_is_refused()
    {
        // The kernel's dataspace (version 2, rank 2, no flags, simple; then 4 and 3 in 8 bytes each) rewritten to 2^28 × 3:
        // 3 GiB of float32 values declared in a file of a few KiB whose superblock is intact.
        var path = TestModelFiles.LegacyH5(Path.Combine(_dir, "declared.h5"));
        var bytes = File.ReadAllBytes(path);
        var dataspace = new byte[20];
        new byte[] { 2, 2, 0, 1 }.CopyTo(dataspace, 0);
        BitConverter.TryWriteBytes(dataspace.AsSpan(4), 4L);
        BitConverter.TryWriteBytes(dataspace.AsSpan(12), 3L);
        var at = bytes.AsSpan().IndexOf(dataspace);
        Assert.True(at > 0, "no dataspace of (4, 3) in the file");
        BitConverter.TryWriteBytes(bytes.AsSpan(at + 4), 1L << 28);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(path));
        Assert.Contains("declared.h5", e.Message);
        Assert.Contains("declares 3,221,225,472 bytes of values, more than the whole file", e.Message);
    }

    /// <summary>Every corpus HDF5 file at every sixteenth of its length (copied to a temporary folder and cut there).</summary>
    public static TheoryData<string> CorpusHdf5Files()
    {
        var data = new TheoryData<string>();
        var corpus = Path.Combine(TestPaths.Shared, "corpus");
        foreach (var file in Directory.EnumerateFiles(corpus, "*.h5", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(corpus, file));
        return data;
    }

    [SharedTheory]
    [MemberData(nameof(CorpusHdf5Files))]
    public void Every_corpus_h5_cut_at_every_sixteenth_is_refused(string relativePath)
    {
        var source = Path.Combine(TestPaths.Shared, "corpus", relativePath);
        var length = new FileInfo(source).Length;
        for (var sixteenths = 1; sixteenths < 16; sixteenths++)
        {
            var cut = TestModelFiles.Truncated(source, length * sixteenths / 16, Path.Combine(_dir, $"{sixteenths}-{Path.GetFileName(source)}"));
            var e = Assert.Throws<ModelException>(() => ModelSource.Open(cut));
            Assert.Contains("truncated", e.Message);
            File.Delete(cut);
        }
    }
}
