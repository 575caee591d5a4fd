using Siampain.Masking;
using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Demo;

/// <summary>
/// Enrols the demo's people the way a technician would: one photo each, its one face embedded, stored in the
/// terminal's database; plus a masked template painted on the same photo with the project's own mask, so that a
/// masked face at the door has a template of its kind.
/// </summary>
public static class DemoEnrolment
{
    public const string Source = "demo";

    /// <exception cref="InvalidDataException">An enrolment photo holds no face.</exception>
    public static void Enrol(IEnumerable<DemoPerson> people, FaceAnalyzer analyzer, PeopleStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var modelId = analyzer.Embedder.ModelId;
        foreach (var person in people)
        {
            var photo = person.EnrolmentPhoto;
            var face = analyzer.FindCentralFace(photo)
                ?? throw new InvalidDataException($"{person.Name}: the enrolment photo holds no face the detector can find.");
            var templates = new List<FaceTemplate> { Template(analyzer.Embed(photo, face), masked: false) };

            var masked = photo.Clone();
            SyntheticMask.Paint(masked, face, SyntheticMaskStyle.FromSeed(StableHash(person.Id)));
            if (analyzer.FindCentralFace(masked) is { } maskedFace)
            {
                templates.Add(Template(analyzer.Embed(masked, maskedFace), masked: true));
            }

            store.Upsert(person.Id, person.Name);
            store.AddTemplates(person.Id, templates);
        }

        FaceTemplate Template(float[] embedding, bool masked) =>
            new() { Embedding = embedding, Masked = masked, Source = Source, ModelId = modelId, Created = time.GetUtcNow() };
    }

    /// <summary>The gallery the terminal matches against: every stored template of the analyzer's model.</summary>
    public static FaceGallery LoadGallery(PeopleStore store, FaceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        var gallery = new FaceGallery(embedder.Dimensions);
        foreach (var template in store.ListTemplates(embedder.ModelId))
        {
            gallery.Add(template.PersonId, template.Embedding);
        }

        return gallery;
    }

    /// <summary>FNV-1a: string.GetHashCode differs per process, and the masks must not.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
