using System.Buffers.Binary;

namespace ParamLens.Inputs;

/// <summary>
/// The HDF5 superblock's end-of-file address checked against the file's length, before PureHDF reads anything. A file
/// cut short still opens in PureHDF, and whatever metadata happens to lie before the cut reads back fine: only this
/// check tells a truncated file from a whole one. It is what libhdf5 itself checks when it opens a file ("truncated
/// file: eof = …, stored_eof = …"), and it costs one read of the first bytes.
/// </summary>
internal static class Hdf5Superblock
{
    private static ReadOnlySpan<byte> Signature => Hdf5ModelReader.Signature;

    /// <summary>Throws when the superblock is missing or damaged, or says the file is longer than it is; else the file's
    /// length.</summary>
    public static long CheckWhole(string path)
    {
        using var stream = File.OpenRead(path);
        var length = stream.Length;
        // Every caller recognised the file by the signature at offset 0, so the superblock is there (no user block).
        var head = new byte[64];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (!head.AsSpan(0, read).StartsWith(Signature))
            throw new ModelException("the HDF5 file is corrupt: it does not start with the HDF5 signature");
        var storedEnd = StoredEnd(head.AsSpan(0, read));
        if (storedEnd > length)
            throw new ModelException($"the HDF5 file is truncated: its superblock says it is {storedEnd:N0} bytes long, but it has {length:N0}");
        return length;
    }

    /// <summary>The base address plus the end-of-file address (which is relative to the base), in bytes.</summary>
    private static long StoredEnd(ReadOnlySpan<byte> superblock)
    {
        // Every version has its size of offsets by byte 13 (and at least that much after it).
        if (superblock.Length < 14) throw new ModelException("the HDF5 file is truncated: it ends inside its superblock");
        int offsetSize, baseAt;
        switch (superblock[8])
        {
            // Versions 0 and 1: …, size of offsets at byte 13, then after the fixed fields (4 more bytes in version 1)
            // the base address, the free-space address, the end-of-file address.
            case 0 or 1:
                offsetSize = superblock[13];
                baseAt = superblock[8] == 0 ? 24 : 28;
                break;
            // Versions 2 and 3: size of offsets at byte 9; the base address at 12, then the extension and end-of-file addresses.
            case 2 or 3:
                offsetSize = superblock[9];
                baseAt = 12;
                break;
            case var other:
                throw new ModelException($"the HDF5 file is corrupt or of an unknown version: superblock version {other}");
        }
        if (offsetSize is not (2 or 4 or 8))
            throw new ModelException($"the HDF5 file is corrupt: its superblock gives {offsetSize} as the size of offsets");
        var eofAt = baseAt + 2 * offsetSize;
        if (superblock.Length < eofAt + offsetSize)
            throw new ModelException("the HDF5 file is truncated: it ends inside its superblock");
        var baseAddress = Address(superblock.Slice(baseAt, offsetSize));
        var endOfFile = Address(superblock.Slice(eofAt, offsetSize));
        if (baseAddress is not long start || endOfFile is not long size || size > long.MaxValue - start)
            throw new ModelException("the HDF5 file is corrupt: its superblock has no valid end-of-file address");
        return start + size;
    }

    /// <summary>A little-endian address; null for the undefined address (all bits set) or one past 63 bits.</summary>
    private static long? Address(ReadOnlySpan<byte> bytes)
    {
        var value = bytes.Length switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        var undefined = bytes.Length == 8 ? ulong.MaxValue : (1UL << (8 * bytes.Length)) - 1;
        return value == undefined || value > long.MaxValue ? null : (long)value;
    }
}
