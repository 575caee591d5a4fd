using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>
/// What one enrolment photo gave: an embedding and the embeddings of the same face painted with the project's
/// enrolment masks, or why it cannot be used.
/// </summary>
public sealed record PhotoCheck(string Path, float[]? Embedding, string? Problem, IReadOnlyList<float[]>? PaintedMaskEmbeddings = null)
{
    public bool Usable => Embedding is not null;
}

/// <summary>
/// Turns enrolment photos into templates with the same quality gate the door applies (face size, turn, tilt,
/// sharpness), so a person is enrolled only from faces the terminal itself would trust. A photo must show exactly
/// one face: with two, nothing says which one is the person being enrolled.
/// </summary>
public sealed class PhotoEnroller
{
    private readonly FaceAnalyzer _analyzer;
    private readonly RecognitionOptions _quality;
    private readonly List<DetectedFace> _faces = new(8);

    public PhotoEnroller(FaceAnalyzer analyzer, RecognitionOptions quality)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(quality);
        _analyzer = analyzer;
        _quality = quality;
    }

    public string ModelId => _analyzer.Embedder.ModelId;

    /// <exception cref="InvalidImageException">The file is not a readable image.</exception>
    public PhotoCheck Check(string path)
    {
        var image = ImageFile.Load(path);
        _analyzer.PhotoDetector.Detect(image, _faces);
        if (_faces.Count == 0)
        {
            return new PhotoCheck(path, null, "no face found");
        }

        if (_faces.Count > 1)
        {
            return new PhotoCheck(path, null, $"{_faces.Count} faces found; an enrolment photo must show only the person (crop it)");
        }

        var face = _faces[0];
        var verdict = FaceQuality.CheckGeometry(face, _quality);
        if (verdict != QualityVerdict.Good)
        {
            return new PhotoCheck(path, null, verdict switch
            {
                QualityVerdict.TooSmall => $"the face is too small ({face.EyeDistance:0} px between the eyes, at least {_quality.MinEyeDistance:0} needed)",
                QualityVerdict.TurnedAway => "the face is turned away; use a photo looking at the camera",
                _ => "the head is tilted; use an upright photo",
            });
        }

        var embedder = _analyzer.Embedder;
        var crop = embedder.Slot(0);
        embedder.Aligner.AlignInto(image, face, crop);
        var sharpness = FaceQuality.Sharpness(crop, embedder.Aligner.Size, embedder.Manifest.Normalization.Std);
        if (sharpness < _quality.MinSharpness)
        {
            return new PhotoCheck(path, null, $"the face is too blurred (sharpness {sharpness:0}, at least {_quality.MinSharpness:0} needed)");
        }

        var embedding = new float[embedder.Dimensions];
        embedder.EmbedSlots(1, embedding, [embedder.Mirror.MirrorsTemplates]);
        return new PhotoCheck(path, embedding, null, MaskedTemplates.Embed(embedder, image, face));
    }

    /// <summary>
    /// Stores the usable photos' templates for the person (added or renamed first) and returns how many photos were
    /// used. Photos of an unmasked face also give masked templates painted with the project's masks, so that the
    /// person is recognised wearing a mask; photos taken wearing one (<paramref name="masked"/>) are stored as masked.
    /// Nothing is written when no photo is usable.
    /// </summary>
    /// <exception cref="EnrolmentException">No usable photo, or a new person without a name.</exception>
    /// <exception cref="StorageException">The database could not be written.</exception>
    public static int Store(PeopleStore people, string personId, string? name, IReadOnlyList<PhotoCheck> photos, string modelId, bool masked, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(photos);
        var existing = RequireName(people, personId, name);
        var usable = photos.Where(p => p.Usable).ToList();
        var templates = usable.SelectMany(p => Templates(p, modelId, masked, now)).ToList();
        if (usable.Count == 0)
        {
            throw new EnrolmentException($"None of the {photos.Count} photo(s) shows exactly one clear face; nothing was stored for '{personId}'.");
        }

        people.Upsert(personId, string.IsNullOrWhiteSpace(name) ? existing!.Name : name);
        try
        {
            people.AddTemplates(personId, templates);
        }
        catch (StorageException) when (existing is null)
        {
            // Do not leave a new person without any template behind.
            TryRemove(people, personId);
            throw;
        }

        return usable.Count;
    }

    private static IEnumerable<FaceTemplate> Templates(PhotoCheck photo, string modelId, bool masked, DateTimeOffset now)
    {
        var source = Path.GetFileName(photo.Path);
        yield return new FaceTemplate { Embedding = photo.Embedding!, Masked = masked, Source = source, ModelId = modelId, Created = now };
        if (masked)
        {
            yield break;
        }

        var painted = photo.PaintedMaskEmbeddings ?? [];
        for (var i = 0; i < painted.Count; i++)
        {
            yield return new FaceTemplate { Embedding = painted[i], Masked = true, Source = $"{source} (painted mask {i + 1})", ModelId = modelId, Created = now };
        }
    }

    /// <summary>The enrolled person, or null for a new one, who must then be given a name.</summary>
    /// <exception cref="EnrolmentException">A new person without a name.</exception>
    public static Person? RequireName(PeopleStore people, string personId, string? name)
    {
        ArgumentNullException.ThrowIfNull(people);
        PeopleStore.ValidateId(personId);
        var existing = people.Find(personId);
        return existing is null && string.IsNullOrWhiteSpace(name)
            ? throw new EnrolmentException($"'{personId}' is not enrolled yet: give the person's name with --name.")
            : existing;
    }

    private static void TryRemove(PeopleStore people, string personId)
    {
        try
        {
            people.Remove(personId);
        }
        catch (StorageException)
        {
            // The write that failed already said what is wrong with the disk; a person without templates is harmless.
        }
    }
}

/// <summary>An enrolment that cannot be done; the message says why and what to do.</summary>
public sealed class EnrolmentException : Exception
{
    public EnrolmentException(string message)
        : base(message)
    {
    }
}
