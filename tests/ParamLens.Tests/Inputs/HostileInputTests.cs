using System.Buffers.Binary;
using System.IO.Compression;
using ParamLens.Inputs;
using ParamLens.Printed;
using PureHDF;

namespace ParamLens.Tests.Inputs;

/// <summary>Inputs that once escaped as .NET exceptions: each is now a <see cref="ModelException"/> that names the file and
/// what is wrong.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelException Refused(string path)
    {
        var e = Assert.Throws<ModelException>(() => ModelSource.Open(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        return e;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void A_keras_archive_whose_end_record_miscounts_its_members_is_refused(int offBy)
    {
        var path = TestModelFiles.KerasArchive(Path.Combine(_dir, "miscounted.keras"));
        var bytes = File.ReadAllBytes(path);
        // The end-of-central-directory record: the member counts (on this disk, in all) at offsets 8 and 10.
        var end = bytes.AsSpan().LastIndexOf("PK\x05\x06"u8);
        foreach (var at in new[] { end + 8, end + 10 })
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) + offBy));
        File.WriteAllBytes(path, bytes);
        Assert.Contains("central directory", Refused(path).Message);
    }

    [Fact]
    public void A_json_object_with_a_key_twice_is_refused_with_the_key()
    {
        var path = Path.Combine(_dir, "twice.json");
        File.WriteAllText(path, TestModelFiles.DenseModelJson.Replace("\"units\": 3", "\"units\": 3, \"units\": 5"));
        var e = Refused(path);
        Assert.Contains("'units'", e.Message);
        Assert.Contains("Duplicate", e.Message);
    }

    [Fact]
    public void A_duplicate_key_in_a_model_config_attribute_is_refused()
    {
        var path = Path.Combine(_dir, "twice.h5");
        new H5File { Attributes = { ["model_config"] = TestModelFiles.DenseModelJson.Replace("\"name\": \"model\"", "\"name\": \"model\", \"name\": \"other\"") } }.Write(path);
        var e = Refused(path);
        Assert.Contains("model_config", e.Message);
        Assert.Contains("'name'", e.Message);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    public void An_absurd_hdf5_string_array_is_refused_before_it_is_allocated(int log2Elements)
    {
        // A variable-length string attribute declaring 2^40 or 2^60 elements (its dataspace says so; the file holds two):
        // once read as if whole, now refused by its size before anything is allocated for it.
        var path = TestModelFiles.LegacyH5(Path.Combine(_dir, "absurd.h5"));
        var bytes = File.ReadAllBytes(path);
        PatchDataspace(bytes, "layer_names", elements: 2, absurd: 1L << log2Elements);
        File.WriteAllBytes(path, bytes);
        var e = Refused(path);
        Assert.Contains("attribute 'layer_names' is larger than the 67,108,864 bytes accepted", e.Message);
    }

    /// <summary>Rewrites the dataspace of attribute <paramref name="attribute"/>, one-dimensional with
    /// <paramref name="elements"/> elements, to declare <paramref name="absurd"/>. The attribute message holds its name,
    /// then its datatype, then its dataspace: version 2, rank 1, no flags, simple, then the size in 8 bytes.</summary>
    private static void PatchDataspace(byte[] bytes, string attribute, long elements, long absurd)
    {
        var name = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(attribute + "\0"));
        Span<byte> dataspace = stackalloc byte[12];
        (stackalloc byte[] { 2, 1, 0, 1 }).CopyTo(dataspace);
        BinaryPrimitives.WriteInt64LittleEndian(dataspace[4..], elements);
        var at = bytes.AsSpan(name).IndexOf(dataspace);
        Assert.True(name > 0 && at > 0, $"no dataspace of {elements} elements after the attribute name");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(name + at + 4), absurd);
    }

    [Fact]
    public void A_printed_count_past_64_bits_is_refused()
    {
        var table = PrintedTable("12345678901234567890123");
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse(table));
        Assert.Contains("12345678901234567890123", e.Message);
        Assert.Contains("64 bits", e.Message);
    }

    [Fact]
    public void A_printed_total_past_64_bits_is_refused()
    {
        var table = PrintedTable("16010").Replace("Total params: 16,010", "Total params: 99,999,999,999,999,999,999,999");
        var e = Assert.Throws<ModelException>(() => ModelSource.Parse(table));
        Assert.Contains("Total params:", e.Message);
        Assert.Contains("64 bits", e.Message);
    }

    private static string PrintedTable(string denseCount) => $"""
        Model: "sequential"
        _________________________________________________________________
        Layer (type)                 Output Shape              Param #   
        =================================================================
        dense (Dense)                (None, 10)                {denseCount}
        =================================================================
        Total params: 16,010
        Trainable params: 16,010
        Non-trainable params: 0
        _________________________________________________________________
        """;

    [Fact]
    public void A_printed_table_parses_when_its_figures_agree() =>
        Assert.Empty(Assert.IsType<PrintedAnalysis>(ModelSource.Parse(PrintedTable("16010")).Printed).Contradictions);

    [Fact]
    public void Weight_names_with_a_double_slash_are_read()
    {
        // Keras writes "dense//kernel:0" for some subclassed models; HDF5 reads a run of slashes as one.
        var path = TestModelFiles.LegacyH5(Path.Combine(_dir, "slashes.h5"), scope: "dense//");
        var opened = ModelSource.Open(path);
        Assert.Equal(15, opened.Stored!.TotalCount);
        var verification = WeightVerification.Of(opened.Model, opened.Stored);
        Assert.True(verification.Agrees, string.Join("\n", verification.Mismatches));
    }
}
