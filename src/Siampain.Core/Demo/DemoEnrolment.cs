using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Demo;

/// <summary>
/// Enrols the demo's people the way a technician would: one photo each, its one face embedded, stored in the
/// terminal's database; plus masked templates painted on the same photo with the project's enrolment masks, so that
/// a masked face at the door has templates of its kind.
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
            List<FaceTemplate> templates =
            [
                Template(analyzer.EmbedTemplate(photo, face), masked: false),
                .. MaskedTemplates.Embed(analyzer.Embedder, photo, face).Select(e => Template(e, masked: true)),
            ];

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
            gallery.Add(template.PersonId, template.Embedding, template.Masked);
        }

        return gallery;
    }
}
