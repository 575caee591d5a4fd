using System.Numerics.Tensors;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Recognition;

namespace Siampain.Demo;

/// <summary>A face in a photo: the picture and where the face is in it.</summary>
public sealed record DemoView(RgbImage Photo, DetectedFace Face);

/// <summary>
/// Someone the demo can show: the photo they are enrolled from (a portrait; enrolment finds the face itself) and the
/// views the door camera may see them in.
/// </summary>
public sealed record DemoPerson(string Id, string Name, RgbImage EnrolmentPhoto, IReadOnlyList<DemoView> DoorViews);

/// <summary>Builds the demo's cast from real photos.</summary>
public static class DemoPeople
{
    // Faces whose eyes are closer than this in their photo are too small to enrol and to show up close at the door.
    private const float MinEyeDistance = 20;

    // A portrait cut around a face of a group photo: enough margin for enrolment's detector, little of the neighbours.
    private const float PortraitShareOfFace = 2.2f;

    // The door view keeps this many face widths around the face: the renderer's cut-out reaches 1.3 of them.
    private const float DoorCutShareOfFace = 3.2f;

    // Share of the identification threshold above which two faces count as look-alikes and only the larger is kept:
    // the door sees people changed (mirrored, other light, masks), and a look-alike pair would then be confused.
    private const float LookAlike = 0.75f;

    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pgm", ".ppm"];

    private static readonly string[] Names =
    [
        "Alice", "Bora", "Chen", "Dara", "Emil", "Farah", "Goro", "Hana", "Ivan", "Jun", "Kemal", "Lena",
        "Mina", "Nico", "Oren", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yuki",
    ];

    /// <summary>
    /// One person per usable face of the group photos (no photo repeats a person): enrolled from a portrait cut out of
    /// the photo, seen at the door in that same photo, changed by the clip (pose, scale, light, blur, mask).
    /// Largest faces first, so the people a short scenario picks are the clearest. Faces the embedder finds close to a
    /// larger face already taken are left out: they may be the same person in another photo, and a "stranger" who is
    /// really someone enrolled (or a near twin at this model's accuracy) would make the ground truth wrong.
    /// </summary>
    public static IReadOnlyList<DemoPerson> FromGroupPhotos(IEnumerable<string> photoFiles, FaceAnalyzer analyzer)
    {
        ArgumentNullException.ThrowIfNull(photoFiles);
        ArgumentNullException.ThrowIfNull(analyzer);
        var found = new List<(DemoView View, float[] Embedding)>();
        foreach (var file in photoFiles)
        {
            var photo = ImageFile.Load(file);
            found.AddRange(analyzer.AnalyzePhoto(photo).Where(f => f.Face.EyeDistance >= MinEyeDistance).Select(f => (new DemoView(photo, f.Face), f.Embedding)));
        }

        var threshold = LookAlike * analyzer.Embedder.Manifest.IdentificationThreshold;
        var kept = new List<(DemoView View, float[] Embedding)>();
        foreach (var face in found.OrderByDescending(f => f.View.Face.EyeDistance))
        {
            if (kept.Count < Names.Length && !kept.Any(k => TensorPrimitives.Dot(k.Embedding, face.Embedding) >= threshold))
            {
                kept.Add(face);
            }
        }

        return [.. kept.Select((face, i) => new DemoPerson(Names[i].ToLowerInvariant(), Names[i], Portrait(face.View), [Cut(face.View)]))];
    }

    /// <summary>
    /// One person per sub-folder (its name is the id): the first photo (in name order) is enrolled, the others are
    /// what the door sees. Photos without a face are left out; <paramref name="skipped"/> hears about each.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no sub-folder with a readable photo.</exception>
    public static IReadOnlyList<DemoPerson> FromFolder(string folder, FaceAnalyzer analyzer, Action<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"--data '{folder}' does not exist: pass a folder with one sub-folder of photos per person.");
        }

        var people = new List<DemoPerson>();
        foreach (var identity in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(identity);
            var photos = Directory.GetFiles(identity).Where(IsPhoto).Order(StringComparer.Ordinal).ToList();
            if (photos.Count == 0)
            {
                skipped?.Invoke($"{identity}: no photos");
                continue;
            }

            RgbImage? enrolment = null;
            var views = new List<DemoView>();
            foreach (var path in photos)
            {
                RgbImage photo;
                try
                {
                    photo = ImageFile.Load(path);
                }
                catch (InvalidImageException e)
                {
                    skipped?.Invoke(e.Message);
                    continue;
                }

                if (analyzer.FindCentralFace(photo) is not { } face)
                {
                    skipped?.Invoke($"{path}: no face found");
                    continue;
                }

                if (enrolment is null)
                {
                    enrolment = photo;
                }
                else
                {
                    views.Add(new DemoView(photo, face));
                }
            }

            if (enrolment is not null)
            {
                people.Add(new DemoPerson(SafeId(id), id, enrolment, views));
            }
        }

        return people.Count > 0 ? people : throw new InvalidDataException($"--data '{folder}': no sub-folder holds a photo with a face (expected <folder>/<person>/<photo>.jpg).");
    }

    /// <summary>
    /// The part of a group photo the door view needs (the head, shoulders and a margin), pixels copied as they are:
    /// keeping six decoded 1920x1400 photos for the whole clip would cost 46 MB.
    /// </summary>
    public static DemoView Cut(DemoView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var box = view.Face.Box;
        var half = box.Width * DoorCutShareOfFace / 2;
        var x0 = Math.Max(0, (int)(box.Centre.X - half));
        var y0 = Math.Max(0, (int)(box.Centre.Y - half));
        var x1 = Math.Min(view.Photo.Width, (int)MathF.Ceiling(box.Centre.X + half));
        var y1 = Math.Min(view.Photo.Height, (int)MathF.Ceiling(box.Centre.Y + half));
        var cut = new RgbImage(x1 - x0, y1 - y0);
        for (var y = y0; y < y1; y++)
        {
            view.Photo.Row(y).Slice(x0 * 3, cut.Stride).CopyTo(cut.Row(y - y0));
        }

        var shift = new System.Numerics.Vector2(x0, y0);
        var keypoints = view.Face.Keypoints;
        for (var k = 0; k < FaceKeypoints.Count; k++)
        {
            keypoints[k] -= shift;
        }

        return new DemoView(cut, view.Face with { Box = box with { X = box.X - x0, Y = box.Y - y0 }, Keypoints = keypoints });
    }

    /// <summary>A square cut around the face, as an enrolment photo taken for the purpose would frame it.</summary>
    public static RgbImage Portrait(DemoView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var box = view.Face.Box;
        var side = (int)MathF.Ceiling(box.Width * PortraitShareOfFace);
        var x0 = box.Centre.X - (side / 2f);
        var y0 = box.Centre.Y - (side / 2f);
        var portrait = new RgbImage(side, side);
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                rgb.Clear();
                Resampler.SampleAccumulate(view.Photo, x0 + x, y0 + y, 1, rgb);
                var o = (y * portrait.Stride) + (x * 3);
                for (var c = 0; c < 3; c++)
                {
                    portrait.Pixels[o + c] = (byte)Math.Clamp(rgb[c], 0, 255);
                }
            }
        }

        return portrait;
    }

    private static bool IsPhoto(string path) => PhotoExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Folder names become person ids: characters an id may not hold become '-'.</summary>
    private static string SafeId(string name)
    {
        var chars = name.Select(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '"' ? '-' : c).ToArray();
        var id = new string(chars);
        return id.Length > 64 ? id[..64] : id;
    }
}
