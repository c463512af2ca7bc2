package io.cairn.portal;

import io.cairn.platform.Problem;
import jakarta.ejb.EJBException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;

/** Shows outcomes and problems to the person using the portal. */
final class Messages {

    private Messages() {
    }

    static void info(String summary, String detail) {
        FacesContext context = FacesContext.getCurrentInstance();
        context.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, summary, detail));
        context.getExternalContext().getFlash().setKeepMessages(true);
    }

    static void error(String summary, String detail) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, summary, detail));
    }

    /** The message a person can act on, from a service failure. */
    static String reason(RuntimeException failure) {
        Throwable cause = failure;
        while (cause instanceof EJBException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Problem) {
            return cause.getMessage();
        }
        throw failure;
    }
}
