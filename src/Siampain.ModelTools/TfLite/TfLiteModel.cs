using System.Runtime.InteropServices;

namespace Siampain.ModelTools.TfLite;

/// <summary>
/// The parts of a TFLite flatbuffer the importer needs: tensors with their constant data, operators with their
/// builtin options. Field indices follow the TFLite schema (schema.fbs), read by hand so no generated code is needed.
/// </summary>
internal sealed class TfLiteModel
{
    private const string Identifier = "TFL3";

    private TfLiteModel(uint version, IReadOnlyList<TfLiteOperatorCode> codes, IReadOnlyList<TfLiteSubGraph> subGraphs)
    {
        Version = version;
        OperatorCodes = codes;
        SubGraphs = subGraphs;
    }

    public uint Version { get; }

    public IReadOnlyList<TfLiteOperatorCode> OperatorCodes { get; }

    public IReadOnlyList<TfLiteSubGraph> SubGraphs { get; }

    /// <summary>Reads a .tflite file; any problem ends in <see cref="TfLiteFormatException"/> naming the file.</summary>
    public static TfLiteModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new TfLiteFormatException(path, "does not exist");
        }

        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException or ArgumentException)
        {
            throw new TfLiteFormatException(path, $"is not a valid TFLite model: {e.Message}", e);
        }
    }

    public static TfLiteModel Parse(byte[] data)
    {
        var root = FlatTable.Root(data, Identifier);
        var codes = root.Tables(1).Select(ReadOperatorCode).ToArray();
        var buffers = root.Tables(4);
        var subGraphs = root.Tables(2).Select(g => ReadSubGraph(g, buffers, codes)).ToArray();
        if (subGraphs.Length == 0)
        {
            throw new InvalidDataException("the model has no subgraph");
        }

        return new TfLiteModel(root.UInt(0), codes, subGraphs);
    }

    private static TfLiteOperatorCode ReadOperatorCode(FlatTable table)
    {
        // Codes above 127 live only in the int32 field; older files only set the deprecated byte.
        var deprecated = (sbyte)table.Byte(0);
        var code = Math.Max(deprecated, table.Int(3));
        return new TfLiteOperatorCode((TfLiteBuiltin)code, table.String(1), table.Int(2, 1));
    }

    private static TfLiteSubGraph ReadSubGraph(FlatTable graph, IReadOnlyList<FlatTable> buffers, TfLiteOperatorCode[] codes)
    {
        var tensors = graph.Tables(0).Select((t, i) => ReadTensor(t, i, buffers)).ToArray();
        var operators = graph.Tables(3).Select(o => ReadOperator(o, codes, tensors.Length)).ToArray();
        return new TfLiteSubGraph(tensors, CheckIndices(graph.Ints(1), tensors.Length), CheckIndices(graph.Ints(2), tensors.Length), operators);
    }

    private static TfLiteTensor ReadTensor(FlatTable table, int index, IReadOnlyList<FlatTable> buffers)
    {
        var bufferIndex = (int)table.UInt(2);
        if (bufferIndex >= buffers.Count)
        {
            throw new InvalidDataException($"tensor {index} refers to buffer {bufferIndex}, the model has {buffers.Count}");
        }

        var buffer = buffers[bufferIndex];
        if (buffer.Has(1))
        {
            throw new InvalidDataException("buffers stored outside the flatbuffer (models over 2 GB) are not supported");
        }

        var data = buffer.VectorBytes(0, 1).ToArray();
        return new TfLiteTensor(index, table.String(3) ?? $"tensor{index}", table.Ints(0), (TfLiteType)table.Byte(1), data.Length == 0 ? null : data);
    }

    private static TfLiteOperator ReadOperator(FlatTable table, TfLiteOperatorCode[] codes, int tensorCount)
    {
        var codeIndex = (int)table.UInt(0);
        if (codeIndex >= codes.Length)
        {
            throw new InvalidDataException($"an operator uses operator code {codeIndex}, the model has {codes.Length}");
        }

        // Operator field 3 is the union's type tag, field 4 the options table itself.
        return new TfLiteOperator(codes[codeIndex].Builtin, CheckIndices(table.Ints(1), tensorCount, allowOptional: true),
            CheckIndices(table.Ints(2), tensorCount), table.Byte(3), table.Table(4));
    }

    private static int[] CheckIndices(int[] indices, int tensorCount, bool allowOptional = false)
    {
        foreach (var index in indices)
        {
            if (index >= tensorCount || index < (allowOptional ? -1 : 0))
            {
                throw new InvalidDataException($"tensor index {index} is out of range (the subgraph has {tensorCount} tensors)");
            }
        }

        return indices;
    }
}

internal sealed record TfLiteOperatorCode(TfLiteBuiltin Builtin, string? CustomCode, int Version);

internal sealed record TfLiteSubGraph(
    IReadOnlyList<TfLiteTensor> Tensors, int[] Inputs, int[] Outputs, IReadOnlyList<TfLiteOperator> Operators);

internal sealed record TfLiteTensor(int Index, string Name, int[] Shape, TfLiteType Type, byte[]? Data)
{
    public bool IsConstant => Data is not null;

    public float[] Floats()
    {
        if (Type != TfLiteType.Float32 || Data is null)
        {
            throw new InvalidDataException($"tensor '{Name}' is not a constant float32 tensor ({Type})");
        }

        return MemoryMarshal.Cast<byte, float>(Data).ToArray();
    }
}

/// <summary>An operator; <see cref="Options"/> is its builtin options table, read through the typed accessors.</summary>
internal sealed record TfLiteOperator(TfLiteBuiltin Builtin, int[] Inputs, int[] Outputs, byte OptionsType, FlatTable? Options)
{
    public ConvOptions Conv()
    {
        var o = Require();
        return new ConvOptions((TfLitePadding)o.Byte(0), o.Int(2), o.Int(1), 1, (TfLiteActivation)o.Byte(3), o.Int(5, 1), o.Int(4, 1));
    }

    public ConvOptions DepthwiseConv()
    {
        var o = Require();
        return new ConvOptions((TfLitePadding)o.Byte(0), o.Int(2), o.Int(1), o.Int(3), (TfLiteActivation)o.Byte(4), o.Int(6, 1), o.Int(5, 1));
    }

    public PoolOptions Pool()
    {
        var o = Require();
        return new PoolOptions((TfLitePadding)o.Byte(0), o.Int(2), o.Int(1), o.Int(4), o.Int(3), (TfLiteActivation)o.Byte(5));
    }

    /// <summary>The fused activation of Add/Sub/Mul/Concatenation-style options (field 0), or of FullyConnected.</summary>
    public TfLiteActivation Activation(int field = 0) => Options is { } o ? (TfLiteActivation)o.Byte(field) : TfLiteActivation.None;

    public bool FullyConnectedKeepsDims => Options is { } o && o.Bool(2);

    private FlatTable Require() =>
        Options ?? throw new InvalidDataException($"{Builtin} operator has no options table");
}

internal sealed record ConvOptions(
    TfLitePadding Padding, int StrideH, int StrideW, int DepthMultiplier, TfLiteActivation Activation, int DilationH, int DilationW);

internal sealed record PoolOptions(TfLitePadding Padding, int StrideH, int StrideW, int FilterH, int FilterW, TfLiteActivation Activation);

internal enum TfLiteType : byte
{
    Float32 = 0,
    Float16 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
}

internal enum TfLitePadding : byte
{
    Same = 0,
    Valid = 1,
}

internal enum TfLiteActivation : byte
{
    None = 0,
    Relu = 1,
    ReluN1To1 = 2,
    Relu6 = 3,
    Tanh = 4,
    SignBit = 5,
}

/// <summary>Builtin operator codes from the TFLite schema (only the ones worth naming here).</summary>
internal enum TfLiteBuiltin
{
    Add = 0,
    AveragePool2D = 1,
    Concatenation = 2,
    Conv2D = 3,
    DepthwiseConv2D = 4,
    Dequantize = 6,
    FullyConnected = 9,
    L2Normalization = 11,
    Logistic = 14,
    MaxPool2D = 17,
    Mul = 18,
    Relu = 19,
    Relu6 = 21,
    Reshape = 22,
    Softmax = 25,
    Tanh = 28,
    Pad = 34,
    Transpose = 39,
    Mean = 40,
    Sub = 41,
    Squeeze = 43,
    PRelu = 54,
    Abs = 101,
}
