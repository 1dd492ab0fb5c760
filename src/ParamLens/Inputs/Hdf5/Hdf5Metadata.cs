using PureHDF;
using PureHDF.VOL.Native;

namespace ParamLens.Inputs;

/// <summary>
/// Reads HDF5 metadata — attributes, group structure, dataset shapes and dtypes — through PureHDF, never dataset values.
/// Every PureHDF failure (truncated or corrupt file) becomes a <see cref="ModelException"/>, and walks are bounded by
/// <see cref="ReaderLimits"/>.
/// </summary>
internal sealed class Hdf5Metadata : IDisposable
{
    private readonly NativeFile _file;
    private readonly ReaderLimits _limits;
    private readonly long _fileLength;
    private int _visited;
    private long _declaredValueBytes;

    private Hdf5Metadata(NativeFile file, ReaderLimits limits, long fileLength)
    {
        _file = file;
        _limits = limits;
        _fileLength = fileLength;
    }

    public IH5Group Root => _file;

    public static Hdf5Metadata Open(string path, ReaderLimits limits)
    {
        var length = Hdf5Superblock.CheckWhole(path);
        var file = Guard("opening the file", () => H5File.OpenRead(path));
        return new Hdf5Metadata(file, limits, length);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Run a PureHDF call, turning its failures into a model error that says the file is damaged.</summary>
    public static T Guard<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ModelException)
        {
            throw;
        }
        catch (OutOfMemoryException)
        {
            // PureHDF allocates what the file declares: an absurd size fails that one allocation, before anything is used.
            throw new ModelException($"the HDF5 file is corrupt ({what}: it declares more data than can be held in memory)");
        }
        catch (Exception e)
        {
            throw new ModelException($"the HDF5 file is truncated or corrupt ({what}: {e.Message})");
        }
    }

    public bool HasAttribute(IH5Object obj, string name) => Guard($"attribute '{name}'", () => obj.AttributeExists(name));

    public bool HasLink(IH5Group group, string name) => Guard($"link '{name}'", () => group.LinkExists(LinkPath(name)));

    public IH5Group Group(IH5Group parent, string name) =>
        Guard($"group '{name}'", () => parent.Get(LinkPath(name))) as IH5Group
        ?? throw new ModelException($"'{name}' in the HDF5 file is not a group");

    /// <summary>A path as HDF5 resolves it: a run of slashes is one separator, and a trailing one is ignored. Keras writes
    /// <c>dense//kernel:0</c> for some subclassed models; PureHDF would look for a link with an empty name.</summary>
    private static string LinkPath(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal) && !path.EndsWith('/')) return path;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (path.StartsWith('/') ? "/" : "") + string.Join('/', parts);
    }

    /// <summary>A string attribute (fixed-length byte string or variable-length UTF-8), trailing NULs removed; null when absent.</summary>
    public string? StringAttribute(IH5Object obj, string name)
    {
        if (!HasAttribute(obj, name)) return null;
        var values = ReadStrings(obj, name);
        return values.Length == 1 ? values[0] : throw new ModelException($"attribute '{name}' holds {values.Length} strings, expected one");
    }

    /// <summary>A list-of-strings attribute; Keras splits long ones into <c>name0</c>, <c>name1</c>, … which are joined here.
    /// Null when neither form exists.</summary>
    public string[]? StringListAttribute(IH5Object obj, string name)
    {
        if (HasAttribute(obj, name)) return ReadStrings(obj, name);
        if (!HasAttribute(obj, name + "0")) return null;
        var all = new List<string>();
        for (var i = 0; HasAttribute(obj, name + i); i++)
        {
            Count();
            all.AddRange(ReadStrings(obj, name + i));
        }
        return [.. all];
    }

    private string[] ReadStrings(IH5Object obj, string name)
    {
        Count();
        return Guard($"attribute '{name}'", () =>
        {
            var attribute = obj.Attribute(name);
            var elements = attribute.Space.Dimensions.Aggregate(1UL, (a, b) => checked(a * b));
            // h5py writes an empty list (a layer without weights) as an empty float array.
            if (attribute.Space.Type == H5DataspaceType.Simple && elements == 0) return [];
            // Checked before reading, which would allocate one element per declared element (a variable-length string's
            // element is its 16-byte heap reference, so this bounds the count of those too).
            if (elements > (ulong)_limits.MaxHdf5AttributeBytes / Math.Max(1UL, (ulong)attribute.Type.Size))
                throw new ModelException($"attribute '{name}' is larger than the {_limits.MaxHdf5AttributeBytes:N0} bytes accepted");
            if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
                throw new ModelException($"attribute '{name}' is not a string (HDF5 type class {attribute.Type.Class})");
            var values = attribute.Space.Type == H5DataspaceType.Scalar
                ? [attribute.Read<string>()]
                : attribute.Read<string[]>();
            foreach (var v in values)
                if (v is not null && v.Length > _limits.MaxHdf5AttributeBytes)
                    throw new ModelException($"attribute '{name}' is larger than the {_limits.MaxHdf5AttributeBytes:N0} bytes accepted");
            return values.Select(v => (v ?? "").TrimEnd('\0')).ToArray();
        });
    }

    /// <summary>The dataset at <paramref name="path"/> below <paramref name="group"/>: its shape and dtype.</summary>
    public (long[] Shape, string DType) DatasetInfo(IH5Group group, string path)
    {
        Count();
        var dataset = Guard($"dataset '{path}'", () => group.Get(LinkPath(path))) as IH5Dataset
            ?? throw new ModelException($"'{path}' in the HDF5 file is not a dataset");
        return DatasetInfo(dataset, path);
    }

    private (long[] Shape, string DType) DatasetInfo(IH5Dataset dataset, string path) => Guard($"dataset '{path}'", () =>
    {
        var dims = dataset.Space.Type == H5DataspaceType.Scalar ? [] : dataset.Space.Dimensions;
        var shape = dims.Select(d => d <= long.MaxValue ? (long)d
            : throw new ModelException($"dataset '{path}' has the dimension {d}, which does not fit in 64 bits")).ToArray();
        var elements = Shapes.Checked.Product(shape); // an overflowing element count is an error here, not later
        CheckValuesFit(dataset, path, elements);
        return (shape, DTypeName(dataset.Type));
    });

    /// <summary>
    /// Values stored whole (contiguous or compact layout, as Keras writes weights) take their declared size in the file,
    /// so a file too short for them is truncated or corrupt, even when its superblock was rewritten to match. Chunked
    /// values may be compressed and are not counted. Only the declared sizes are compared: no value is read.
    /// </summary>
    private void CheckValuesFit(IH5Dataset dataset, string path, long elements)
    {
        if (dataset.Layout.Class == H5DataLayoutClass.Chunked) return;
        var bytes = Shapes.Checked.Multiply(elements, dataset.Type.Size);
        if (bytes > _fileLength)
            throw new ModelException($"dataset '{path}' declares {bytes:N0} bytes of values, more than the whole file ({_fileLength:N0} bytes): it is truncated or corrupt");
        _declaredValueBytes = Shapes.Checked.Add(_declaredValueBytes, bytes);
        if (_declaredValueBytes > _fileLength)
            throw new ModelException($"the datasets read so far declare {_declaredValueBytes:N0} bytes of values, more than the whole file ({_fileLength:N0} bytes): it is truncated or corrupt");
    }

    /// <summary>Every dataset below <paramref name="root"/> with its '/'-joined path, walked without recursion and within
    /// the depth and object limits.</summary>
    public List<(string Path, long[] Shape, string DType)> AllDatasets(IH5Group root)
    {
        var found = new List<(string, long[], string)>();
        var stack = new Stack<(IH5Group Group, string Path, int Depth)>();
        stack.Push((root, "", 0));
        while (stack.Count > 0)
        {
            var (group, path, depth) = stack.Pop();
            if (depth > _limits.MaxHdf5Depth)
                throw new ModelException($"the HDF5 groups nest deeper than {_limits.MaxHdf5Depth} levels at '{path}' (a cyclic link?)");
            var children = Guard($"group '{path}'", () => group.Children().ToList());
            foreach (var child in children)
            {
                Count();
                var childPath = path.Length == 0 ? child.Name : path + "/" + child.Name;
                switch (child)
                {
                    case IH5Group g:
                        stack.Push((g, childPath, depth + 1));
                        break;
                    case IH5Dataset d:
                        var (shape, dtype) = DatasetInfo(d, childPath);
                        found.Add((childPath, shape, dtype));
                        break;
                }
            }
        }
        return found;
    }

    private void Count()
    {
        if (++_visited > _limits.MaxHdf5Objects)
            throw new ModelException($"the HDF5 file holds more than {_limits.MaxHdf5Objects:N0} objects");
    }

    /// <summary>The NumPy-style dtype name of an HDF5 element type (h5py writes bool as an enum of int8).</summary>
    private static string DTypeName(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FloatingPoint => type.Size switch { 2 => "float16", 4 => "float32", 8 => "float64", _ => $"float{type.Size * 8}" },
        H5DataTypeClass.FixedPoint => (type.FixedPoint.IsSigned ? "int" : "uint") + type.Size * 8,
        H5DataTypeClass.Enumerated or H5DataTypeClass.BitField => "bool",
        H5DataTypeClass.String or H5DataTypeClass.VariableLength => "string",
        var other => other.ToString().ToLowerInvariant(),
    };
}
