// Safety: the refusals that keep subscribers from losing episodes or
// downloading them twice.
package pipeline
