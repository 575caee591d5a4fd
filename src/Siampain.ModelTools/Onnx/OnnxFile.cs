using Google.Protobuf;
using Siampain.ModelTools.Onnx.Proto;

namespace Siampain.ModelTools.Onnx;

/// <summary>Reads and writes ONNX model files; a missing or unparsable file gives an error naming it.</summary>
internal static class OnnxFile
{
    public const int Opset = 13;

    /// <summary>IR version 7 is the one that goes with opset 13.</summary>
    public const long IrVersion = 7;

    public static ModelProto Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new OnnxFormatException(path, "does not exist");
        }

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(path, $"is not an ONNX model (protobuf parse failed: {e.Message})", e);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0 || model.OpsetImport.Count == 0)
        {
            throw new OnnxFormatException(path, "is not an ONNX model (no graph, nodes or opset)");
        }

        return model;
    }

    /// <summary>
    /// Writes the model. Google.Protobuf serialises fields in field-number order and repeated fields in list order,
    /// so the same model object always gives the same bytes.
    /// </summary>
    public static void Save(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, model.ToByteArray());
    }

    public static ModelProto NewModel(GraphProto graph, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "siampain-models",
            ProducerVersion = "1",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model;
    }
}
