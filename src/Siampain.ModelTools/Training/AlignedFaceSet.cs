using Siampain.Alignment;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.ModelTools.Training;

/// <summary>What <see cref="AlignedFaceSet.Write"/> did.</summary>
internal sealed record AlignmentSummary(int People, int Crops, int WithoutFace, int Unreadable);

/// <summary>
/// Turns an identity-per-folder photo set into the aligned crops the terminal feeds its embedder, for the Python
/// training tool: the same detector and aligner, so a network trained on them sees faces framed as at the door.
/// Photos may sit anywhere below a person's folder (as in AI Hub's sets); a crop's name is its path below it.
/// </summary>
internal static class AlignedFaceSet
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pgm", ".ppm" };

    public static AlignmentSummary Write(string source, string target, ModelManifest manifest, string embedder, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"{source}: is not a folder");
        }

        using var blazeFace = new BlazeFaceDetector(manifest);
        var detector = new PhotoFaceDetector(blazeFace);
        var aligner = new FaceAligner(manifest.Embedder(embedder));
        var faces = new List<DetectedFace>();
        int people = 0, crops = 0, withoutFace = 0, unreadable = 0;
        foreach (var person in Directory.EnumerateDirectories(source).Order(StringComparer.Ordinal))
        {
            var written = 0;
            var photos = Directory.EnumerateFiles(person, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal);
            foreach (var photo in photos)
            {
                RgbImage image;
                try
                {
                    image = ImageFile.Load(photo);
                }
                catch (InvalidImageException e)
                {
                    log.WriteLine($"skipped {e.Message}");
                    unreadable++;
                    continue;
                }

                detector.Detect(image, faces);
                if (faces.Count == 0)
                {
                    withoutFace++;
                    continue;
                }

                // Group photos may catch a bystander: the person the folder is about is the largest face.
                var face = faces.MaxBy(f => f.Box.Area);
                var name = Path.ChangeExtension(Path.GetRelativePath(person, photo), null).Replace(Path.DirectorySeparatorChar, '_') + ".png";
                var folder = Directory.CreateDirectory(Path.Combine(target, Path.GetFileName(person))).FullName;
                var partial = Path.Combine(folder, name + ".partial");
                ImageFile.SavePng(aligner.Crop(image, face), partial);
                File.Move(partial, Path.Combine(folder, name), overwrite: true);
                written++;
            }

            crops += written;
            people += written > 0 ? 1 : 0;
        }

        if (crops == 0)
        {
            throw new InvalidOperationException($"{source}: no face found in any photo ({withoutFace} without a face, {unreadable} unreadable)");
        }

        return new AlignmentSummary(people, crops, withoutFace, unreadable);
    }
}
