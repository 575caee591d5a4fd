using Siampain.ModelTools.Onnx.Proto;

namespace Siampain.ModelTools.Quantization;

/// <summary>Who produces and who consumes each tensor of a graph, and which tensors are constants.</summary>
internal sealed class GraphIndex
{
    public GraphIndex(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                Producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!Consumers.TryGetValue(input, out var list))
                {
                    Consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        GraphInputs = graph.Input.Select(i => i.Name).Where(n => !Initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        GraphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public Dictionary<string, TensorProto> Initializers { get; }

    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<NodeProto>> Consumers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> GraphInputs { get; }

    public HashSet<string> GraphOutputs { get; }

    /// <summary>A tensor computed at run time (not a constant); only those get activation quantization.</summary>
    public bool IsActivation(string name) => name.Length > 0 && !Initializers.ContainsKey(name) && (Producers.ContainsKey(name) || GraphInputs.Contains(name));
}
