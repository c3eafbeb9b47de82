package dev.triad.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every rendered object against its schema: core kinds with {@link CoreKinds}, custom resources
 * with {@link CustomResources}; an object of a kind with no schema fails.
 */
final class SchemaValidator {

    private final CustomResources crds;

    SchemaValidator(CustomResources crds) {
        this.crds = crds;
    }

    static SchemaValidator withSharedCrds() {
        return new SchemaValidator(CustomResources.load(Repo.crds()));
    }

    List<Finding> validate(List<Manifest> objects) {
        List<Manifest> core = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Manifest m : objects) {
            if (CoreKinds.isCore(m.apiVersion(), m.kind())) {
                core.add(m);
            } else if (crds.knows(m.apiVersion(), m.kind())) {
                findings.addAll(crds.validate(m));
            } else {
                findings.add(
                        Finding.of(
                                m,
                                "",
                                "no schema for "
                                        + m.apiVersion()
                                        + " "
                                        + m.kind()
                                        + ": neither a core kind nor a CRD in ../shared/k8s/crds/"
                                        + " (served: "
                                        + crds.kinds()
                                        + ")"));
            }
        }
        Map<Manifest, List<Finding>> coreFindings = CoreKinds.validate(core);
        for (Manifest m : core) {
            findings.addAll(coreFindings.get(m));
        }
        return findings;
    }
}
