using Siampain.Alignment;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Masking;
using Siampain.Models;

namespace Siampain.ModelTools.Training;

/// <summary>What <see cref="AlignedFaceSet.Write"/> did.</summary>
internal sealed record AlignmentSummary(int People, int Crops, int WithoutFace, int Unreadable, int MaskedViews, int MaskedMissed);

/// <summary>
/// Masked views of each photo for mask-invariant training: the photo painted with the project's own masks, then
/// detected and aligned again, as the terminal sees a masked face (a mask moves the detector's nose and mouth
/// points, and the crop with them). Written to <paramref name="Folder"/> with the crops' layout, "_m{k}" added to the name.
/// </summary>
internal sealed record MaskedViews(string Folder, int PerPhoto);

/// <summary>
/// Turns an identity-per-folder photo set into the aligned crops the terminal feeds its embedder, for the Python
/// training tool: the same detector and aligner, so a network trained on them sees faces framed as at the door.
/// Photos may sit anywhere below a person's folder (as in AI Hub's sets); a crop's name is its path below it.
/// </summary>
internal static class AlignedFaceSet
{
    // Below this overlap with the face found before painting, a detection in the painted photo is another face.
    private const float SameFaceOverlap = 0.3f;

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pgm", ".ppm" };

    public static AlignmentSummary Write(string source, string target, ModelManifest manifest, string embedder, TextWriter log, MaskedViews? maskedViews = null)
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
        int people = 0, crops = 0, withoutFace = 0, unreadable = 0, views = 0, viewsMissed = 0;
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
                SaveCrop(aligner.Crop(image, face), Path.Combine(target, Path.GetFileName(person), name));
                written++;
                if (maskedViews is null)
                {
                    continue;
                }

                for (var k = 0; k < maskedViews.PerPhoto; k++)
                {
                    var painted = image.Clone();
                    SyntheticMask.Paint(painted, face, SyntheticMaskStyle.ForImage(name, k));

                    // Where the mask hides the face from the detector, the keypoints found before painting, as the
                    // evaluation does.
                    var seen = Redetect(blazeFace, painted, face, faces);
                    viewsMissed += seen is null ? 1 : 0;
                    var view = Path.Combine(maskedViews.Folder, Path.GetFileName(person), $"{Path.GetFileNameWithoutExtension(name)}_m{k}.png");
                    SaveCrop(aligner.Crop(painted, seen ?? face), view);
                    views++;
                }
            }

            crops += written;
            people += written > 0 ? 1 : 0;
        }

        if (crops == 0)
        {
            throw new InvalidOperationException($"{source}: no face found in any photo ({withoutFace} without a face, {unreadable} unreadable)");
        }

        return new AlignmentSummary(people, crops, withoutFace, unreadable, views, viewsMissed);
    }

    /// <summary>
    /// The painted photo's face, detected as the door camera's frames are (one letterboxed window at the detector's own
    /// threshold; the photo detector's stricter score loses many masked faces the terminal finds): the detection over
    /// the face found before painting, or null when there is none.
    /// </summary>
    private static DetectedFace? Redetect(BlazeFaceDetector detector, RgbImage painted, in DetectedFace unpainted, List<DetectedFace> faces)
    {
        detector.Detect(painted, faces);
        var box = unpainted.Box;
        if (faces.Count == 0)
        {
            return null;
        }

        var best = faces.MaxBy(f => f.Box.IntersectionOverUnion(box));
        return best.Box.IntersectionOverUnion(box) < SameFaceOverlap ? null : best;
    }

    private static void SaveCrop(RgbImage crop, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        ImageFile.SavePng(crop, partial);
        File.Move(partial, path, overwrite: true);
    }
}
