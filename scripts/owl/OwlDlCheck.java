// OWL 2 DL check of an ontology file: the OWL API's OWL 2 DL profile checker, then the HermiT reasoner
// (a conformant OWL 2 DL reasoner) loads and classifies it. Both ship in owlready2's HermiT.jar (OWL API 3).
// Run as a single source file (Java 11+, JEP 330), so no build step:
//   java -cp .../owlready2/hermit/HermiT.jar scripts/owl/OwlDlCheck.java ontology/kg.ttl
// Exit 0 when the ontology is in OWL 2 DL and consistent; 1 otherwise, one line per problem on stdout.
import java.io.File;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.reasoner.InferenceType;

public class OwlDlCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        boolean ok = report.isInProfile();
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println("not OWL 2 DL: " + violation);
        }
        try {
            Reasoner reasoner = new Reasoner(ontology);
            reasoner.precomputeInferences(InferenceType.CLASS_HIERARCHY);
            if (!reasoner.isConsistent()) {
                System.out.println("HermiT: the ontology is inconsistent");
                ok = false;
            }
        } catch (RuntimeException exc) {
            System.out.println("HermiT refuses the ontology: " + exc.getMessage().replaceAll("\\s+", " ").trim());
            ok = false;
        }
        System.out.println(ok ? "OWL 2 DL: yes" : "OWL 2 DL: no");
        System.exit(ok ? 0 : 1);
    }
}
