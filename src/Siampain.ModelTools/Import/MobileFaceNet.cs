using Siampain.ModelTools.Onnx.Proto;
using Siampain.ModelTools.TfLite;
using Siampain.Packages;

namespace Siampain.ModelTools.Import;

/// <summary>Where the MobileFaceNet weights come from and how its ONNX form is named.</summary>
internal static class MobileFaceNet
{
    public const string FileInPackage = "android/src/main/assets/MobileFaceNet.tflite";
    public const string InputName = "input";
    public const string OutputName = "embedding";
    public const int Size = 112;
    public const int Dimensions = 192;
    public const float Mean = 127.5f;
    public const float Std = 128f;

    public static PinnedPackage Package => PinnedPackage.ExpoFaceDetection;

    /// <summary>The TFLite file in the package cache, fetching the pinned package if needed.</summary>
    public static string TfLitePath(PackageCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return Path.Combine(cache.Get(Package), FileInPackage);
    }

    public static ModelProto Import(string tflitePath)
    {
        var tflite = TfLiteModel.Load(tflitePath);
        try
        {
            return TfLiteImporter.Convert(tflite, new ImportOptions(InputName, OutputName,
                $"MobileFaceNet face embedder imported from {Package.Spec}/{FileInPackage}. " +
                $"Input [N,{Size},{Size},3] RGB, value = (pixel - {Mean}) / {Std}; output [N,{Dimensions}], not normalised."));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException)
        {
            throw new TfLiteFormatException(tflitePath, $"cannot be imported: {e.Message}", e);
        }
    }
}
