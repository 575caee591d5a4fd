using System.Runtime.InteropServices;
using Google.Protobuf;
using Siampain.ModelTools.Onnx.Proto;

namespace Siampain.ModelTools.Onnx;

/// <summary>Appends nodes and initializers to a graph with unique names, in a fixed order so the bytes are reproducible.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(GraphProto graph)
    {
        Graph = graph;
        foreach (var name in graph.Initializer.Select(t => t.Name)
                     .Concat(graph.Input.Select(v => v.Name))
                     .Concat(graph.Node.SelectMany(n => n.Output)))
        {
            _names.Add(name);
        }

        _nodeNames.UnionWith(graph.Node.Select(n => n.Name));
    }

    public GraphProto Graph { get; }

    /// <summary>A tensor name not used yet in the graph, derived from <paramref name="hint"/>.</summary>
    public string Unique(string hint) => Unique(_names, hint);

    /// <summary>Node names live in their own namespace in ONNX, so a node may share its output's name.</summary>
    private string UniqueNode(string hint) => Unique(_nodeNames, hint);

    private static string Unique(HashSet<string> names, string hint)
    {
        var name = hint;
        for (var i = 1; !names.Add(name); i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(hint, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    public string Int64s(string hint, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(hint, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    public string Initializer(string hint, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(hint), DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node whose outputs get fresh names derived from <paramref name="outputHints"/>.</summary>
    public NodeProto Node(string opType, IEnumerable<string> inputs, string[] outputHints, string? name = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNode(name ?? outputHints[0]) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputHints.Select(Unique));
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Adds a node writing to an existing name (one whose producer was renamed away).</summary>
    public NodeProto NodeInto(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNode($"{output}_{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Shorthand for a single-output node; returns the output's name.</summary>
    public string Op(string opType, string output, params string[] inputs) =>
        Node(opType, inputs, [output]).Output[0];

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
