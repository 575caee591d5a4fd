using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Evaluation;

/// <summary>
/// A miniature LFW made from the registry sample photos: each face cut out twice as a person's two photos, the
/// second time mirrored and darkened, with pairs.txt in two folds; the first person's second photo is damaged.
/// </summary>
internal static class MiniLfw
{
    /// <summary>Writes the miniature LFW into <paramref name="folder"/>; returns the people named in its pairs.txt.</summary>
    public static List<string> Write(string folder)
    {
        using var blazeFace = new BlazeFaceDetector(TestAssets.Manifest);
        var detector = new PhotoFaceDetector(blazeFace);
        var faces = new List<DetectedFace>();
        var people = new List<string>();
        for (var n = 1; n <= 6; n++)
        {
            var photo = TestAssets.LoadSample(n);
            detector.Detect(photo, faces);
            foreach (var face in faces)
            {
                var name = $"Person_{people.Count:D2}";
                Directory.CreateDirectory(Path.Combine(folder, name));
                var portrait = Portrait(photo, face, mirrorAndDarken: false);
                ImageFile.SaveJpeg(portrait, Path.Combine(folder, name, $"{name}_0001.jpg"));
                ImageFile.SaveJpeg(Portrait(photo, face, mirrorAndDarken: true), Path.Combine(folder, name, $"{name}_0002.jpg"));
                people.Add(name);
            }
        }

        // Two folds: matched pairs then mismatched pairs (each person with the next), as pairs.txt lays them out.
        var half = people.Count / 2;
        var lines = new List<string> { $"2\t{half}" };
        for (var fold = 0; fold < 2; fold++)
        {
            var group = people.Skip(fold * half).Take(half).ToList();
            lines.AddRange(group.Select(p => $"{p}\t1\t2"));
            lines.AddRange(group.Select((p, i) => $"{p}\t1\t{group[(i + 1) % group.Count]}\t2"));
        }

        people = [.. people.Take(half * 2)];
        File.WriteAllLines(Path.Combine(folder, "pairs.txt"), lines);
        File.WriteAllText(Path.Combine(folder, people[0], $"{people[0]}_0002.jpg"), "damaged");
        return people;
    }

    /// <summary>A 250x250 portrait around the face, like LFW's: face centred, about 40% of the frame.</summary>
    private static RgbImage Portrait(RgbImage photo, DetectedFace face, bool mirrorAndDarken)
    {
        var portrait = new RgbImage(250, 250);
        var side = face.Box.Width * 2.4f;
        var x0 = face.Box.Centre.X - (side / 2);
        var y0 = face.Box.Centre.Y - (side / 2);
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < 250; y++)
        {
            for (var x = 0; x < 250; x++)
            {
                rgb.Clear();
                var sx = mirrorAndDarken ? 249 - x : x;
                Resampler.SampleAccumulate(photo, x0 + (sx * side / 250), y0 + (y * side / 250), mirrorAndDarken ? 0.7f : 1f, rgb);
                var o = (y * portrait.Stride) + (x * 3);
                for (var c = 0; c < 3; c++)
                {
                    portrait.Pixels[o + c] = (byte)Math.Clamp(rgb[c], 0, 255);
                }
            }
        }

        return portrait;
    }
}
