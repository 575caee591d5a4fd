using System.Buffers.Binary;
using System.Text;

namespace Siampain.ModelTools.TfLite;

/// <summary>
/// Read-only view of one flatbuffer table. Every offset is bounds-checked so a truncated or corrupt file
/// ends in <see cref="InvalidDataException"/> instead of reading garbage.
/// </summary>
internal readonly struct FlatTable
{
    private readonly byte[] _data;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableSize;

    private FlatTable(byte[] data, int position)
    {
        _data = data;
        _position = position;
        _vtable = Check(data, position - BinaryPrimitives.ReadInt32LittleEndian(Slice(data, position, 4)), 4);
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(Slice(data, _vtable, 2));
        Check(data, _vtable, _vtableSize);
    }

    /// <summary>The root table; <paramref name="identifier"/> is the 4-byte file identifier after the root offset.</summary>
    public static FlatTable Root(byte[] data, string identifier)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 8 || Encoding.ASCII.GetString(data, 4, 4) != identifier)
        {
            throw new InvalidDataException($"not a flatbuffer with identifier '{identifier}'");
        }

        return new FlatTable(data, Follow(data, 0));
    }

    public bool Has(int field) => FieldOffset(field) != 0;

    public int Int(int field, int fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? BinaryPrimitives.ReadInt32LittleEndian(Slice(_data, _position + at, 4)) : fallback;

    public uint UInt(int field, uint fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? BinaryPrimitives.ReadUInt32LittleEndian(Slice(_data, _position + at, 4)) : fallback;

    public byte Byte(int field, byte fallback = 0) =>
        FieldOffset(field) is var at and not 0 ? Slice(_data, _position + at, 1)[0] : fallback;

    public bool Bool(int field) => Byte(field) != 0;

    public string? String(int field)
    {
        var bytes = VectorBytes(field, 1);
        return bytes.IsEmpty && !Has(field) ? null : Encoding.UTF8.GetString(bytes);
    }

    public FlatTable? Table(int field) =>
        FieldOffset(field) is var at and not 0 ? new FlatTable(_data, Follow(_data, _position + at)) : null;

    public int[] Ints(int field)
    {
        var bytes = VectorBytes(field, 4);
        var values = new int[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }

        return values;
    }

    /// <summary>The raw bytes of a vector of scalars of <paramref name="elementSize"/> bytes (empty if absent).</summary>
    public ReadOnlySpan<byte> VectorBytes(int field, int elementSize)
    {
        if (FieldOffset(field) is var at and not 0)
        {
            var start = Follow(_data, _position + at);
            var count = BinaryPrimitives.ReadInt32LittleEndian(Slice(_data, start, 4));
            if (count < 0 || (long)count * elementSize > _data.Length)
            {
                throw new InvalidDataException($"vector at byte {start} claims {count} elements");
            }

            return Slice(_data, start + 4, count * elementSize);
        }

        return [];
    }

    public IReadOnlyList<FlatTable> Tables(int field)
    {
        if (FieldOffset(field) is var at and not 0)
        {
            var start = Follow(_data, _position + at);
            var count = BinaryPrimitives.ReadInt32LittleEndian(Slice(_data, start, 4));
            Check(_data, start + 4, checked(count * 4));
            var tables = new FlatTable[count];
            for (var i = 0; i < count; i++)
            {
                tables[i] = new FlatTable(_data, Follow(_data, start + 4 + (i * 4)));
            }

            return tables;
        }

        return [];
    }

    private int FieldOffset(int field)
    {
        var entry = 4 + (field * 2);
        return entry + 2 <= _vtableSize ? BinaryPrimitives.ReadUInt16LittleEndian(Slice(_data, _vtable + entry, 2)) : 0;
    }

    private static int Follow(byte[] data, int at) =>
        Check(data, checked(at + (int)BinaryPrimitives.ReadUInt32LittleEndian(Slice(data, at, 4))), 4);

    private static ReadOnlySpan<byte> Slice(byte[] data, int start, int length) =>
        data.AsSpan(Check(data, start, length), length);

    private static int Check(byte[] data, int start, int length)
    {
        if (start < 0 || length < 0 || (long)start + length > data.Length)
        {
            throw new InvalidDataException($"offset {start} (+{length}) points outside the {data.Length}-byte file");
        }

        return start;
    }
}
