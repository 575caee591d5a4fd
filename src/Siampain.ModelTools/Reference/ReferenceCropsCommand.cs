using System.CommandLine;
using System.Globalization;
using Siampain.Alignment;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Packages;

namespace Siampain.ModelTools.Reference;

/// <summary>
/// `siampain-models reference-crops --out FOLDER`: the aligned 112x112 face crops of the registry sample photos,
/// made by the project's own detector and aligner. They are the input of the TFLite reference harness beside
/// this file, and the committed fixture the conversion test runs the ONNX model on.
/// </summary>
internal static class ReferenceCropsCommand
{
    private const int SamplePhotos = 6;

    /// <summary>
    /// MobileFaceNet's crop: used only while models/manifest.json has no embedder yet. The template is the
    /// ArcFace 5-point layout the network was trained on; the normalisation is the network's own.
    /// </summary>
    private static readonly EmbedderManifest MobileFaceNetCrop = new()
    {
        File = "mobilefacenet-fp32.onnx",
        Sha256 = string.Empty,
        Input = "input",
        Output = "embeddings",
        Size = 112,
        Dimensions = 192,
        Normalization = new PixelNormalization(127.5f, 128f),
        AlignmentTemplate = [38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f],
    };

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write the PNG crops to (created if missing; existing .png files are replaced)",
            Required = true,
        };
        var models = new Option<DirectoryInfo?>("--models")
        {
            Description = "Models folder holding manifest.json (default: the checkout's models/)",
        };
        var command = new Command("reference-crops", "Write the aligned face crops of the sample photos (input of the TFLite reference harness)")
        {
            output,
            models,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration;
            try
            {
                var modelsFolder = parse.GetValue(models)?.FullName ?? Path.Combine(RepositoryLayout.FindRoot(), "models");
                return Run(parse.GetRequiredValue(output).FullName, modelsFolder, console.Output);
            }
            catch (Exception e) when (e is ModelException or InvalidImageException or InvalidDataException
                                          or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Each of these already names the file or package and the problem: no stack trace needed.
                console.Error.WriteLine($"reference-crops: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static int Run(string outputFolder, string modelsFolder, TextWriter log)
    {
        var manifest = ModelManifest.Load(modelsFolder);
        var embedder = manifest.Embedders.Count > 0 ? manifest.Embedder() : MobileFaceNetCrop;
        var aligner = new FaceAligner(embedder);
        var photos = Path.Combine(PackageCache.Default().Get(PinnedPackage.FaceApi), "demo");

        // Every crop is made before the folder is touched, so a failure leaves the previous crops as they were.
        var crops = new List<(string Name, RgbImage Crop)>();
        using (var blazeFace = new BlazeFaceDetector(manifest))
        {
            var detector = new PhotoFaceDetector(blazeFace);
            var faces = new List<DetectedFace>();
            for (var n = 1; n <= SamplePhotos; n++)
            {
                var image = ImageFile.Load(Path.Combine(photos, $"sample{n}.jpg"));
                detector.Detect(image, faces);

                // Named left to right, so a face keeps its name when detection scores shift slightly.
                faces.Sort(static (a, b) => a.Box.X.CompareTo(b.Box.X));
                for (var k = 0; k < faces.Count; k++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"sample{n}-face{k + 1}.png");
                    crops.Add((name, aligner.Crop(image, faces[k])));
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name}  score {faces[k].Score:F3}  eye distance {faces[k].EyeDistance:F1} px"));
                }
            }
        }

        if (crops.Count == 0)
        {
            throw new InvalidDataException($"{photos}: no face found in the sample photos");
        }

        Directory.CreateDirectory(outputFolder);
        foreach (var stale in Directory.EnumerateFiles(outputFolder, "*.png"))
        {
            File.Delete(stale);
        }

        foreach (var (name, crop) in crops)
        {
            ImageFile.SavePng(crop, Path.Combine(outputFolder, name));
        }

        log.WriteLine($"{crops.Count} crops written to {outputFolder}");
        return 0;
    }
}
