/* The C version of MarkupSafe's inner escape loop, for str objects of any kind. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *
escape_inner(PyObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected str");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(text), extra = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 maxchar = PyUnicode_MAX_CHAR_VALUE(text);
    for (Py_ssize_t i = 0; i < len; i++) {
        switch (PyUnicode_READ(kind, data, i)) {
        case '&': extra += 4; break;          /* &amp; */
        case '<': case '>': extra += 3; break; /* &lt; &gt; */
        case '"': case '\'': extra += 4; break; /* &#34; &#39; */
        }
    }
    if (extra == 0) {
        Py_INCREF(text);
        return text;
    }
    PyObject *out = PyUnicode_New(len + extra, maxchar);
    if (!out) return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    Py_ssize_t o = 0;
#define PUT(str) do { for (const char *p = (str); *p; p++) PyUnicode_WRITE(okind, odata, o++, *p); } while (0)
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        switch (c) {
        case '&': PUT("&amp;"); break;
        case '<': PUT("&lt;"); break;
        case '>': PUT("&gt;"); break;
        case '"': PUT("&#34;"); break;
        case '\'': PUT("&#39;"); break;
        default: PyUnicode_WRITE(okind, odata, o++, c);
        }
    }
#undef PUT
    return out;
}

static PyMethodDef module_methods[] = {
    {"_escape_inner", (PyCFunction)escape_inner, METH_O, "Escape & < > ' \" in a str."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "markupsafe._speedups", NULL, -1, module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module_definition);
}
