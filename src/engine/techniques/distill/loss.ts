/**
 * Hinton et al. (2015): loss = α·CE(labels, softmax(s)) + (1 − α)·T²·KL(softmax(t/T) ‖ softmax(s/T)),
 * where s and t are the student's and the teacher's logits. The T² keeps the soft term's gradients
 * on the scale of the hard term's as T changes. Without labels only the soft term remains (α = 0).
 * Both terms are means over the batch; log-softmax keeps them finite for any logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '../../train/loss';

/** T²·mean over rows of KL(softmax(teacher/T) ‖ softmax(student/T)), in nats. */
export function softTargetLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const logQ = tf.logSoftmax(tf.div(studentLogits, temperature));
    const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1);
    return tf.mul(tf.mean(kl), temperature * temperature) as tf.Scalar;
  });
}

/** Mean cross-entropy of one-hot labels against softmax(student logits): the training loop's own. */
export function hardLabelLoss(studentLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return crossEntropy(studentLogits, labels, 'logits');
}

export interface DistillLossInput {
  studentLogits: tf.Tensor;
  teacherLogits: tf.Tensor;
  /** One-hot labels, or null for unlabeled data (then α is 0 whatever it was set to). */
  labels: tf.Tensor | null;
  temperature: number;
  alpha: number;
}

export function distillationLoss({ studentLogits, teacherLogits, labels, temperature, alpha }: DistillLossInput): tf.Scalar {
  const a = labels ? alpha : 0;
  return tf.tidy(() => {
    const soft = a < 1 ? tf.mul(softTargetLoss(studentLogits, teacherLogits, temperature), 1 - a) : tf.scalar(0);
    if (!labels || a === 0) return soft as tf.Scalar;
    return tf.add(soft, tf.mul(hardLabelLoss(studentLogits, labels), a)) as tf.Scalar;
  });
}
